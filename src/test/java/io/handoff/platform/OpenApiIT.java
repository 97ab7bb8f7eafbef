package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

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
}
