package io.handoff.delivery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code dispatcher} in {@code /actuator/health/readiness}: deliveries are being claimed and sent on this node. */
@Component
class DispatcherHealthIndicator implements HealthIndicator {

	private final Dispatcher dispatcher;

	DispatcherHealthIndicator(Dispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@Override
	public Health health() {
		return dispatcher.health();
	}
}
