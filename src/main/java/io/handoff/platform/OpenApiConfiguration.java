package io.handoff.platform;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.context.annotation.Configuration;

/** Describes the REST API in the OpenAPI document at {@code /v3/api-docs}, shown by Swagger UI. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "Handoff API", version = "v1",
		description = "Who owns every customer conversation, and the events when that changes. "
				+ "Authenticate with a workspace API key: 'Authorization: Bearer hk_…'. "
				+ "Errors are application/problem+json naming the field at fault; lists page with 'limit' and 'after'."),
		security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "hk_…")
class OpenApiConfiguration {
}
