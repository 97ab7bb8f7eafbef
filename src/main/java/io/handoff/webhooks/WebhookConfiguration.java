package io.handoff.webhooks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	@Bean
	HostResolver hostResolver() {
		return HostResolver.system();
	}

	@Bean
	UrlGuard urlGuard(WebhookProperties properties, HostResolver resolver) {
		try {
			return new UrlGuard(properties.allowedNetworks(), resolver);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalStateException("handoff.webhooks.allowed-networks: " + e.getMessage(), e);
		}
	}
}
