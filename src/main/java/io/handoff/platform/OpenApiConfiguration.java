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
			openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
				operation.getResponses().putIfAbsent("4XX", new io.swagger.v3.oas.models.responses.ApiResponse()
					.description("Refused: bad input, no or wrong credentials, no permission, not found, or a conflict")
					.content(content));
			}));
		};
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
