package io.handoff.platform;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.springdoc.core.customizers.OpenApiCustomizer;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.core.jackson.TypeNameResolver;
import io.swagger.v3.core.util.Json;

/** Describes the REST API in the OpenAPI document at {@code /v3/api-docs}, shown by Swagger UI. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "Handoff API", version = "v1",
		description = "Who owns every customer conversation, and the events when that changes. "
				+ "Authenticate with a workspace API key: 'Authorization: Bearer hk_…'. "
				+ "Errors are application/problem+json naming the field at fault; lists page with 'limit' and 'after'."),
		security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "hk_…")
class OpenApiConfiguration {

	/**
	 * How swagger-core, which reads types with Jackson 2, should see Handoff's types.
	 * <ul>
	 * <li>Schemas are named by their enclosing type too ({@code BotServiceSettings}, {@code ConnectionServiceSettings}):
	 * by simple name alone, every nested {@code Settings} record was one schema, and a generated client sent WhatsApp
	 * fields to create a bot.</li>
	 * <li>Jackson 3 trees ({@code JsonNode}, {@code ObjectNode}) are free-form JSON. Read as beans they became a schema
	 * with {@code empty}, {@code array} and {@code nodeType} fields, and every type holding one lost its properties.</li>
	 * <li>A record component that is not a primitive may be {@code null}, and the API writes nulls: the document says
	 * so ({@code anyOf: [schema, {type: null}]}), where it had claimed e.g. {@code closedAt} is always a string.</li>
	 * </ul>
	 */
	@Bean
	ModelResolver handoffModels() {
		return new HandoffModels();
	}

	/**
	 * Every refusal is {@code application/problem+json} ({@link Problems}); the document says so for each operation,
	 * so a generated client can read the field at fault.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return openApi -> {
			ObjectSchema fieldError = new ObjectSchema();
			fieldError.addProperty("field", new StringSchema().description("The field at fault, as the request names it"));
			fieldError.addProperty("message", new StringSchema().description("What is wrong with it, in plain words"));
			Schema<?> problem = new ObjectSchema()
				.description("RFC 9457 problem details, with a stable 'code' and one entry per field at fault")
				.addProperty("type", new StringSchema())
				.addProperty("title", new StringSchema())
				.addProperty("status", new IntegerSchema())
				.addProperty("detail", new StringSchema())
				.addProperty("instance", new StringSchema())
				.addProperty("code", new StringSchema().description("e.g. invalid_field, not_found, forbidden"))
				.addProperty("errors", new ArraySchema().items(fieldError));
			openApi.getComponents().addSchemas("Problem", problem);
			Content content = new Content().addMediaType("application/problem+json",
					new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
			java.util.Set<String> taken = new java.util.HashSet<>();
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				operation.setOperationId(operationId(path, method.name(), operation.getOperationId(), taken));
			}));
			openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
				if (operation.getSummary() == null && operation.getOperationId() != null) {
					operation.setSummary(summary(operation.getOperationId()));
				}
				operation.getResponses().putIfAbsent("4XX", new io.swagger.v3.oas.models.responses.ApiResponse()
					.description("Refused: bad input, no or wrong credentials, no permission, not found, or a conflict")
					.content(content));
			}));
		};
	}

	/** Controller methods named only by what they do; their operation is named by what they do it to as well. */
	private static final java.util.Set<String> GENERIC = java.util.Set.of("list", "get", "create", "update", "delete",
			"test", "enable", "disable", "recover", "resend", "revoke", "open");

	/** Operations whose controller method name says too little or too much, by method and path. */
	private static final java.util.Map<String, String> NAMED = java.util.Map.ofEntries(
			java.util.Map.entry("GET /hooks/{token}", "receiveHookGet"),
			java.util.Map.entry("PUT /hooks/{token}", "receiveHookPut"),
			java.util.Map.entry("POST /hooks/{token}", "receiveHookPost"),
			java.util.Map.entry("GET /channels/whatsapp/{workspaceId}", "verifyWhatsAppWebhook"),
			java.util.Map.entry("POST /channels/whatsapp/{workspaceId}", "receiveWhatsAppWebhook"),
			java.util.Map.entry("GET /api/v1/channels/whatsapp", "getWhatsAppChannel"),
			java.util.Map.entry("PUT /api/v1/channels/whatsapp", "configureWhatsAppChannel"),
			java.util.Map.entry("GET /api/v1/event-types", "listEventTypes"),
			java.util.Map.entry("GET /api/v1/chats/{id}/assignments", "listChatAssignments"),
			java.util.Map.entry("GET /api/v1/chats/{id}/messages", "listChatMessages"),
			java.util.Map.entry("GET /api/v1/reports/agents", "getAgentReport"),
			java.util.Map.entry("GET /api/v1/reports/agents/csv", "exportAgentReport"),
			java.util.Map.entry("POST /api/v1/chats/{id}/messages", "replyToChat"),
			java.util.Map.entry("GET /api/v1/chats/{id}/composer", "getChatComposer"),
			java.util.Map.entry("GET /api/v1/webhooks/{id}/secret", "getWebhookSecret"),
			java.util.Map.entry("POST /api/v1/webhooks/{id}/secret/rotate", "rotateWebhookSecret"),
			java.util.Map.entry("GET /api/v1/bots/{id}/capture", "getCapture"),
			java.util.Map.entry("GET /api/v1/bots/{id}/sample", "getSample"),
			java.util.Map.entry("GET /api/v1/bots/{id}/runs", "listRuns"),
			java.util.Map.entry("GET /api/v1/bots/{id}/runs/{runId}", "getRun"),
			java.util.Map.entry("POST /api/v1/bots/{id}/runs/{runId}/rerun", "rerun"),
			java.util.Map.entry("POST /api/v1/bots/{id}/hook-url", "regenerateHookUrl"));

	/**
	 * An operation id a generated client can call: {@code listChats}, {@code getWebhook}, {@code testConnection}, not
	 * springdoc's {@code list_7} or {@code test_1}. Specific method names ({@code assignByPhone}) are kept.
	 */
	static String operationId(String path, String httpMethod, String generated, java.util.Set<String> taken) {
		String base = generated == null ? "call" : generated.replaceAll("_\\d+$", "");
		String id = NAMED.getOrDefault(httpMethod + " " + path, base);
		if (!NAMED.containsKey(httpMethod + " " + path) && GENERIC.contains(base)) {
			java.util.List<String> literals = java.util.Arrays.stream(path.split("/"))
				.filter(segment -> !segment.isEmpty() && !segment.startsWith("{") && !segment.equals("api")
						&& !segment.matches("v\\d+"))
				.toList();
			String last = path.substring(path.lastIndexOf('/') + 1);
			boolean item = last.startsWith("{");
			// The resource: the last literal segment of a collection or an item; the one before an action.
			String resource = literals.isEmpty() ? "" : literals.getLast();
			if (!item && literals.size() > 1 && path.matches(".*/\\{[^}]+}/" + java.util.regex.Pattern.quote(resource))) {
				resource = literals.get(literals.size() - 2);
				item = true;
			}
			boolean plural = base.equals("list") && !item;
			id = base + camel(plural ? resource : singular(resource));
		}
		if (!taken.add(id)) {
			id = id + camel(httpMethod.toLowerCase(java.util.Locale.ROOT));
			taken.add(id);
		}
		return id;
	}

	private static String singular(String word) {
		return word.endsWith("ies") ? word.substring(0, word.length() - 3) + "y"
				: word.endsWith("s") && !word.endsWith("ss") ? word.substring(0, word.length() - 1) : word;
	}

	private static String camel(String segment) {
		StringBuilder out = new StringBuilder();
		for (String part : segment.split("[-_.]")) {
			if (!part.isEmpty()) {
				out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
			}
		}
		return out.toString();
	}

	/** {@code assignByPhone} as "Assign by phone", for operations whose controller method names them well. */
	static String summary(String operationId) {
		String words = operationId.replaceAll("_\\d+$", "").replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
		return Character.toUpperCase(words.charAt(0)) + words.substring(1);
	}

	private static final class HandoffModels extends ModelResolver {

		HandoffModels() {
			super(Json.mapper(), new TypeNameResolver() {
				@Override
				protected String getNameOfClass(Class<?> type) {
					String name = super.getNameOfClass(type);
					Class<?> outer = type.getEnclosingClass();
					return outer == null || name.startsWith(outer.getSimpleName()) ? name
							: outer.getSimpleName() + name;
				}
			});
		}

		@Override
		public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
			Class<?> raw = _mapper.constructType(type.getType()).getRawClass();
			if (tools.jackson.databind.node.ObjectNode.class.isAssignableFrom(raw)) {
				return new JsonSchema().types(Set.of("object")).description("A JSON object");
			}
			if (tools.jackson.databind.node.ArrayNode.class.isAssignableFrom(raw)) {
				return new JsonSchema().types(Set.of("array")).description("A JSON array");
			}
			if (tools.jackson.databind.JsonNode.class.isAssignableFrom(raw)) {
				return anyJson();
			}
			Schema<?> resolved = super.resolve(type, context, chain);
			if (resolved != null && raw.isRecord()) {
				Schema<?> model = resolved.get$ref() == null ? resolved
						: context.getDefinedModels().get(resolved.get$ref().replace("#/components/schemas/", ""));
				if (model != null && model.getProperties() != null) {
					allowNulls(raw, model);
				}
			}
			return resolved;
		}

		/** Any JSON value, said explicitly: a schema without a type is given {@code type: object} on the way out. */
		private static Schema<?> anyJson() {
			return new JsonSchema()
				.types(new LinkedHashSet<>(List.of("object", "array", "string", "number", "boolean", "null")))
				.description("Any JSON value");
		}

		/**
		 * Whether values of this type are any JSON. swagger-core reads a Jackson 3 {@code JsonNode} as a Jackson 2 bean
		 * and types it {@code object} after the converters ran, so properties are corrected here.
		 */
		private static boolean isJsonValue(Type type) {
			return type == tools.jackson.databind.JsonNode.class;
		}

		private static void allowNulls(Class<?> record, Schema<?> model) {
			for (RecordComponent component : record.getRecordComponents()) {
				if (component.getType().isPrimitive()) {
					continue;
				}
				JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
				String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
				Schema<?> property = model.getProperties().get(name);
				if (property != null && (component.getAccessor().isAnnotationPresent(JsonRawValue.class)
						|| isJsonValue(component.getGenericType()))) {
					// Text written into the JSON as it is, or a tree: the value is any JSON, not a string or object.
					Schema<?> json = anyJson();
					json.setDescription(property.getDescription());
					model.getProperties().put(name, json);
					continue;
				}
				if (property != null && property.getAdditionalProperties() instanceof Schema<?>
						&& component.getGenericType() instanceof ParameterizedType map
						&& map.getActualTypeArguments().length == 2 && isJsonValue(map.getActualTypeArguments()[1])) {
					property.setAdditionalProperties(anyJson());
				}
				if (property == null || property.getAnyOf() != null && property.getAnyOf().stream()
					.anyMatch(s -> s.getTypes() != null && s.getTypes().contains("null"))) {
					continue;
				}
				Schema<?> nullable = new JsonSchema().anyOf(List.of(property, new JsonSchema().types(Set.of("null"))));
				nullable.setDescription(property.getDescription());
				property.setDescription(null);
				model.getProperties().put(name, nullable);
			}
		}
	}
}
