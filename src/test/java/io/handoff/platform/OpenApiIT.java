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
}
