package io.handoff.connectors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.HandoffException;
import io.handoff.platform.WorkspaceId;
import io.handoff.studio.StepAction;
import io.handoff.platform.UrlGuard;

/**
 * HTTP Request: sends mapped data to any API. Method, URL, headers, query and body are templates over the run's
 * variables and earlier steps' outputs ({@code {{customerNumber}}}, {@code {{steps.lookup.body.id}}}); auth comes from
 * an {@code http} connection (Basic, Bearer or a header). The response (status, headers, body) is the step's output.
 */
@Component
class HttpRequestAction implements StepAction {

	private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
	private static final Set<String> BODY_TYPES = Set.of("none", "json", "form", "raw");

	private final OutboundHttp http;
	private final ConnectionService connections;
	private final UrlGuard guard;
	private final JsonMapper json;

	HttpRequestAction(OutboundHttp http, ConnectionService connections, UrlGuard guard, JsonMapper json) {
		this.http = http;
		this.connections = connections;
		this.guard = guard;
		this.json = json;
	}

	@Override
	public String type() {
		return "http_request";
	}

	@Override
	public ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field) {
		ObjectNode valid = json.createObjectNode();
		String method = Steps.text(config, "method") == null ? "POST" : Steps.text(config, "method").toUpperCase(Locale.ROOT);
		if (!METHODS.contains(method)) {
			throw new HandoffException.InvalidInput(field + ".method", "must be one of GET, POST, PUT, PATCH, DELETE");
		}
		valid.put("method", method);
		String url = Steps.required(config, "url", field);
		if (!url.contains("{{")) {
			guard.check(field + ".url", url);
		}
		else if (!url.matches("(?i)https?://[^{/]+.*")) {
			throw new HandoffException.InvalidInput(field + ".url",
					"must start with http:// or https:// and a host; placeholders may follow the host");
		}
		valid.put("url", url);
		for (String map : new String[] { "headers", "query" }) {
			JsonNode given = config.get(map);
			if (given != null && !given.isNull()) {
				if (!given.isObject() || given.valueStream().anyMatch(v -> !v.isString())) {
					throw new HandoffException.InvalidInput(field + "." + map, "must be an object of text values");
				}
				valid.set(map, given);
			}
		}
		String bodyType = Steps.text(config, "bodyType") == null ? (method.equals("GET") ? "none" : "json")
				: Steps.text(config, "bodyType").toLowerCase(Locale.ROOT);
		if (!BODY_TYPES.contains(bodyType)) {
			throw new HandoffException.InvalidInput(field + ".bodyType", "must be none, json, form or raw");
		}
		valid.put("bodyType", bodyType);
		JsonNode body = config.get("body");
		if (body != null && !body.isNull()) {
			if (bodyType.equals("form") && !(body.isObject() && body.valueStream().allMatch(JsonNode::isString))) {
				throw new HandoffException.InvalidInput(field + ".body", "must be an object of text values for a form body");
			}
			valid.set("body", body.isString() || bodyType.equals("form") ? body : json.getNodeFactory().stringNode(body.toString()));
		}
		String connection = Steps.text(config, "connectionId");
		if (connection != null) {
			connections.resolve(workspace, connection, Connection.Type.HTTP, field + ".connectionId");
			valid.put("connectionId", connection);
		}
		JsonNode timeout = config.get("timeoutSeconds");
		if (timeout != null && !timeout.isNull()) {
			if (!timeout.isInt() || timeout.asInt() < 1 || timeout.asInt() > 60) {
				throw new HandoffException.InvalidInput(field + ".timeoutSeconds", "must be a whole number from 1 to 60");
			}
			valid.put("timeoutSeconds", timeout.asInt());
		}
		valid.put("failOnHttpError", Steps.bool(config, "failOnHttpError", field, true));
		return valid;
	}

	@Override
	public Outcome run(Context context) throws InterruptedException {
		ObjectNode config = context.config();
		String method = config.path("method").asString();
		String url = context.text(config.path("url").asString());
		try {
			guard.check("url", url);
		}
		catch (HandoffException e) {
			return Outcome.failed("The URL " + url + " " + e.getMessage());
		}
		HttpUrl parsed = HttpUrl.parse(url);
		if (parsed == null) {
			return Outcome.failed("The URL " + url + " is not valid");
		}
		HttpUrl.Builder urlBuilder = parsed.newBuilder();
		config.path("query").properties().forEach(e -> urlBuilder.addQueryParameter(e.getKey(), context.text(e.getValue().asString())));
		Request.Builder request = new Request.Builder().url(urlBuilder.build());
		for (var header : config.path("headers").properties()) {
			String value = context.text(header.getValue().asString());
			if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
				// A line break in a header would start a new header (or the body): never send it, and do not echo it.
				return Outcome.failed("The header " + header.getKey()
						+ " would contain a line break (from a variable in its template), so the request was not sent");
			}
			request.header(header.getKey(), value);
		}
		String connectionId = config.path("connectionId").asString(null);
		if (connectionId != null) {
			ConnectionService.Resolved connection = connections.resolve(context.workspace(), connectionId,
					Connection.Type.HTTP, "connectionId");
			switch (connection.setting("auth")) {
				case "basic" -> request.header("Authorization", okhttp3.Credentials.basic(connection.setting("username"),
						connection.secret("password"), StandardCharsets.UTF_8));
				case "bearer" -> request.header("Authorization", "Bearer " + connection.secret("token"));
				case "header" -> request.header(connection.setting("headerName"), connection.secret("headerValue"));
				default -> {
				}
			}
		}
		request.method(method, body(config, context));
		ObjectNode output = json.createObjectNode();
		output.put("request", method + " " + parsed.newBuilder().query(null).build());
		try {
			Duration timeout = config.has("timeoutSeconds") ? Duration.ofSeconds(config.get("timeoutSeconds").asInt()) : null;
			OutboundHttp.Exchange exchange = http.call(request.build(), timeout);
			output.put("status", exchange.status());
			ObjectNode headers = output.putObject("headers");
			exchange.headers().names().forEach(name -> headers.put(name.toLowerCase(Locale.ROOT), exchange.headers().get(name)));
			output.set("body", Steps.body(exchange.body(), json));
			Steps.logTries(output, exchange.tries(), json);
			String summary = method + " " + parsed.host() + parsed.encodedPath() + " → " + exchange.status() + " after "
					+ exchange.tries().size() + (exchange.tries().size() == 1 ? " try" : " tries");
			if (!exchange.ok() && config.path("failOnHttpError").asBoolean(true)) {
				return CallFailed.of(summary, exchange).outcome(output);
			}
			return Outcome.succeeded(summary, output);
		}
		catch (OutboundHttp.Failed e) {
			Steps.logTries(output, e.tries(), json);
			return CallFailed.of(method + " " + parsed.host() + parsed.encodedPath() + " failed: " + e.getMessage(), e)
				.outcome(output);
		}
	}

	private RequestBody body(ObjectNode config, Context context) {
		String method = config.path("method").asString();
		if (method.equals("GET") || method.equals("DELETE") && !config.has("body")) {
			return null;
		}
		JsonNode body = config.get("body");
		return switch (config.path("bodyType").asString("json")) {
			case "form" -> {
				FormBody.Builder form = new FormBody.Builder(StandardCharsets.UTF_8);
				if (body != null) {
					body.properties().forEach(e -> form.add(e.getKey(), context.text(e.getValue().asString())));
				}
				yield form.build();
			}
			case "raw" -> RequestBody.create(body == null ? "" : context.text(body.asString()),
					MediaType.get(config.path("headers").path("Content-Type").asString("text/plain; charset=utf-8")));
			case "none" -> RequestBody.create(new byte[0]);
			default -> RequestBody.create(body == null ? "{}" : context.json(body.asString()),
					MediaType.get("application/json; charset=utf-8"));
		};
	}
}
