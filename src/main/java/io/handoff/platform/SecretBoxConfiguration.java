package io.handoff.platform;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
class SecretBoxConfiguration {

	/**
	 * With an external database several nodes may share the data, so the key must come from configuration
	 * ({@code HANDOFF_SECRETS_KEY}); with the embedded one it is generated into the data directory.
	 */
	@Bean
	SecretBox secretBox(HandoffProperties properties, Environment environment,
			@Value("${handoff.secrets.key:}") String configured) {
		boolean external = StringUtils.hasText(environment.getProperty("spring.datasource.url"));
		if (external && !StringUtils.hasText(configured)) {
			throw new IllegalStateException("With an external database, set handoff.secrets.key (HANDOFF_SECRETS_KEY) "
					+ "to the base64 of 32 random bytes, the same on every node: e.g. `openssl rand -base64 32`");
		}
		return SecretBox.fromConfigurationOrFile(configured, properties.dataDir().resolve("secrets.key"));
	}
}
