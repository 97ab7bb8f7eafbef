package io.handoff.platform;

import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

	@Bean
	HostResolver hostResolver() {
		return HostResolver.system();
	}

	/**
	 * The guard reads {@code handoff.webhooks.allowed-networks}, the setting users know from the README; it applies to
	 * every outbound request, webhooks or not.
	 */
	@Bean
	UrlGuard urlGuard(Environment environment, HostResolver resolver) {
		List<String> allowed = Binder.get(environment)
			.bind("handoff.webhooks.allowed-networks", Bindable.listOf(String.class))
			.orElse(List.of());
		try {
			return new UrlGuard(allowed, resolver);
		}
		catch (IllegalArgumentException e) {
			throw new IllegalStateException("handoff.webhooks.allowed-networks: " + e.getMessage(), e);
		}
	}

	@Bean
	GuardedHttp guardedHttp(UrlGuard guard, HttpProperties properties) {
		return new GuardedHttp(guard, properties);
	}
}
