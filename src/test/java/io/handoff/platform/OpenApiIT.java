package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.IntegrationTest;

@IntegrationTest
class OpenApiIT {

	@Value("${local.server.port}")
	int port;

	@Test
	void servesTheOpenApiDocumentAndSwaggerUiWithoutAKey() {
		Api anonymous = new Api("http://localhost:" + port, null);

		Api.Response document = anonymous.get("/v3/api-docs");
		assertThat(document.status()).isEqualTo(200);
		JsonNode openapi = document.json();
		assertThat(openapi.get("openapi").asString()).startsWith("3.1");
		assertThat(openapi.get("paths").propertyNames()).contains("/api/v1/chats/{id}/assignment",
				"/api/v1/assignments", "/api/v1/events", "/api/v1/members", "/api/v1/customers",
				"/api/v1/business-numbers", "/api/v1/api-keys");
		assertThat(openapi.at("/components/securitySchemes/apiKey/scheme").asString()).isEqualTo("bearer");

		assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
		assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
	}

	@Test
	void eachOperationPointsAtItsOwnRequestSchema() {
		JsonNode openapi = new Api("http://localhost:" + port, null).get("/v3/api-docs").json();
		java.util.Map<String, String> refs = new java.util.TreeMap<>();
		for (String path : java.util.List.of("/api/v1/bots", "/api/v1/connections", "/api/v1/channels/whatsapp",
				"/api/v1/webhooks")) {
			openapi.get("paths").get(path).properties().forEach(operation -> {
				JsonNode ref = operation.getValue().at("/requestBody/content/application~1json/schema/$ref");
				if (!ref.isMissingNode()) {
					refs.put(operation.getKey() + " " + path, ref.asString());
				}
			});
		}
		// Operations of different shapes get different schemas (they were all "Settings").
		assertThat(refs).hasSizeGreaterThanOrEqualTo(3);
		assertThat(new java.util.HashSet<>(refs.values())).as(refs.toString()).hasSize(refs.size());
		assertThat(refs.get("post /api/v1/bots")).endsWith("/BotServiceSettings");
		assertThat(openapi.at("/components/schemas/BotServiceSettings/properties").has("trigger")).isTrue();
		assertThat(openapi.at("/components/schemas/BotServiceSettings/properties").has("appSecret")).isFalse();
	}

	/**
	 * The document as a client generator reads it: valid for an OpenAPI parser, one name per schema and per operation,
	 * and no schema emptied by a type the generator could not read. Real exchanges are checked against it by every
	 * test that calls the API ({@link io.handoff.support.ApiContract}), and {@link EveryOperationIT} calls every
	 * operation.
	 */
	@Test
	void theDocumentIsValidAndEachNameMeansOneThing() {
		String json = new Api("http://localhost:" + port, null).get("/v3/api-docs").body();
		ParseOptions options = new ParseOptions();
		options.setResolve(true);
		options.setValidateInternalRefs(true);
		SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
		assertThat(parsed.getMessages()).isEmpty();
		assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();

		JsonNode openapi = Api.parse(json);
		java.util.List<String> operationIds = new java.util.ArrayList<>();
		openapi.get("paths").properties().forEach(path -> path.getValue().properties()
			.forEach(operation -> operationIds.add(operation.getValue().get("operationId").asString())));
		assertThat(operationIds).doesNotHaveDuplicates()
			.noneMatch(id -> id.matches(".*_\\d+"))
			.contains("listChats", "getChat", "createWebhook", "testConnection", "testWebhook", "getWebhookSecret", "listBots");
		// Every operation says what it does in a line (Swagger UI and generated clients show it).
		openapi.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> assertThat(
				operation.getValue().path("summary").asString()).as(operation.getKey() + " " + path.getKey()).isNotBlank()));

		java.util.Set<String> lowerCaseNames = new java.util.HashSet<>();
		openapi.at("/components/schemas").properties().forEach(schema -> {
			assertThat(lowerCaseNames.add(schema.getKey().toLowerCase(java.util.Locale.ROOT))).as(schema.getKey()).isTrue();
			// Nested records are named with their enclosing type, never by a bare, shared simple name.
			assertThat(schema.getKey()).isNotIn("Settings", "Request", "Created", "View", "JsonNode", "ObjectNode");
			assertThat(schema.getValue().has("properties") || schema.getValue().has("type"))
				.as(schema.getKey() + " describes nothing").isTrue();
		});
		// Every refusal is documented as problem+json.
		assertThat(openapi.at("/paths/~1api~1v1~1chats/get/responses/4XX/content").has("application/problem+json"))
			.isTrue();
		// A tree is any JSON, a raw value is JSON, and a field that can be null says so.
		assertThat(openapi.at("/components/schemas/Event/properties/payload/type").valueStream().map(JsonNode::asString))
			.contains("object", "null");
		assertThat(openapi.at("/components/schemas/Chat/properties/closedAt/anyOf/1/type").asString()).isEqualTo("null");
		assertThat(openapi.at("/components/schemas/Bot/properties").has("steps")).isTrue();
		assertThat(openapi.at("/components/schemas/BotServiceStepSettings/properties").has("config")).isTrue();
	}
}
