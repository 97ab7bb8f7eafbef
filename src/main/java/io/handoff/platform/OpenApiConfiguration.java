package io.handoff.platform;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.core.jackson.ModelResolver;
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
	 * Schemas named by their enclosing type too ({@code BotServiceSettings}, {@code ConnectionServiceSettings}): by
	 * simple name alone, every nested {@code Settings} record was one schema, and a generated client sent WhatsApp
	 * fields to create a bot.
	 */
	@Bean
	ModelResolver qualifiedModelNames() {
		return new ModelResolver(Json.mapper(), new TypeNameResolver() {
			@Override
			protected String getNameOfClass(Class<?> type) {
				String name = super.getNameOfClass(type);
				Class<?> outer = type.getEnclosingClass();
				return outer == null || name.startsWith(outer.getSimpleName()) ? name : outer.getSimpleName() + name;
			}
		});
	}
}
