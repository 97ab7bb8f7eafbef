package io.handoff.delivery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code dispatcher} in {@code /actuator/health/readiness}: deliveries are being claimed and sent on this node, unless
 * the node was told not to send ({@code handoff.delivery.enabled=false}).
 */
@Component
class DispatcherHealthIndicator implements HealthIndicator {

	private final Dispatcher dispatcher;

	private final DeliveryProperties properties;

	DispatcherHealthIndicator(Dispatcher dispatcher, DeliveryProperties properties) {
		this.dispatcher = dispatcher;
		this.properties = properties;
	}

	@Override
	public Health health() {
		return properties.enabled() ? dispatcher.health() : Health.up().withDetail("enabled", false).build();
	}
}
