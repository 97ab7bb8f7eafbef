package io.handoff.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document of a running application, used to check real exchanges against it: every request the tests
 * send through {@link Api} to {@code /api/v1/} and every response they get back is checked against the operation's
 * documented schemas, so the document cannot drift from what the controllers do.
 */
public final class ApiContract {

	private static final Map<String, ApiContract> BY_BASE = new ConcurrentHashMap<>();

	private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	/** "METHOD /template" of every operation any test exercised with a documented 2xx answer, for coverage checks. */
	private static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();

	private final JsonNode document;

	private final List<Operation> operations = new ArrayList<>();

	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	private ApiContract(JsonNode document) {
		this.document = document;
		document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
			if (op.getValue().isObject() && op.getValue().has("responses")) {
				operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
			}
		}));
		// Literal segments win over templated ones: /chats/export before /chats/{id}.
		operations.sort(Comparator.comparingLong(o -> o.template().chars().filter(c -> c == '{').count()));
	}

	public static ApiContract of(String base) {
		return BY_BASE.computeIfAbsent(base, b -> {
			try (HttpClient http = HttpClient.newHttpClient()) {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(b + "/v3/api-docs")).build(),
						HttpResponse.BodyHandlers.ofString());
				return new ApiContract(Api.parse(response.body()));
			}
			catch (Exception e) {
				throw new IllegalStateException("could not load the OpenAPI document of " + b, e);
			}
		});
	}

	public JsonNode document() {
		return document;
	}

	public List<Operation> operations() {
		return List.copyOf(operations);
	}

	public static Set<String> exercised() {
		return Set.copyOf(EXERCISED);
	}

	/** What in this exchange the document does not describe; empty when it does. */
	public List<String> violations(String method, String pathAndQuery, String requestJson, int status,
			String contentType, String body) {
		String path = pathAndQuery.replaceFirst("[?#].*", "");
		Operation operation = operations.stream()
			.filter(o -> o.method().equals(method) && o.matches(path))
			.findFirst()
			.orElse(null);
		List<String> violations = new ArrayList<>();
		String exchange = method + " " + path + " → " + status;
		if (operation == null) {
			if (status < 400) {
				violations.add(exchange + ": no such operation in the OpenAPI document");
			}
			return violations;
		}
		boolean success = status >= 200 && status < 300;
		if (success) {
			EXERCISED.add(operation.key());
		}
		if (success && requestJson != null) {
			JsonNode schema = operation.node().at("/requestBody/content/application~1json/schema");
			if (schema.isMissingNode()) {
				violations.add(exchange + ": a JSON body was accepted but the document declares none");
			}
			else {
				errors(schema, Api.parse(requestJson)).forEach(e -> violations.add(exchange + ": request " + e));
			}
		}
		JsonNode responses = operation.node().get("responses");
		JsonNode response = responses.has(String.valueOf(status)) ? responses.get(String.valueOf(status))
				: responses.has(status / 100 + "XX") ? responses.get(status / 100 + "XX") : responses.path("default");
		if (response.isMissingNode()) {
			if (success) {
				violations.add(exchange + ": status not documented (documented: "
						+ operation.node().get("responses").propertyNames() + ")");
			}
			return violations;
		}
		if (status >= 400 && !contentType.startsWith("application/problem+json")) {
			violations.add(exchange + ": error answered as '" + contentType + "', not application/problem+json");
		}
		if (body == null || body.isEmpty() || !contentType.contains("json")) {
			return violations;
		}
		JsonNode content = response.get("content");
		if (content == null || content.isEmpty()) {
			violations.add(exchange + ": a body was sent but the document declares none");
			return violations;
		}
		String mediaType = contentType.replaceFirst(";.*", "").trim();
		JsonNode schema = content.has(mediaType) ? content.get(mediaType).get("schema")
				: content.has("*/*") ? content.get("*/*").get("schema") : null;
		if (schema == null) {
			if (success) {
				violations.add(exchange + ": answered " + mediaType + ", documented " + content.propertyNames());
			}
			return violations;
		}
		errors(schema, Api.parse(body)).forEach(e -> violations.add(exchange + ": response " + e));
		return violations;
	}

	private List<String> errors(JsonNode schema, JsonNode value) {
		Schema compiled = schemas.computeIfAbsent(schema.toString(), key -> {
			ObjectNode root = ((ObjectNode) schema.deepCopy());
			root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
			root.putObject("components").set("schemas", document.at("/components/schemas").deepCopy());
			return REGISTRY.getSchema(root);
		});
		return compiled.validate(value).stream().map(Error::toString).toList();
	}

	public record Operation(String method, String template, JsonNode node) {

		public String key() {
			return method + " " + template;
		}

		boolean matches(String path) {
			return Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"))
				.matcher(path)
				.matches();
		}
	}
}
