package io.handoff.studio;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code runner} in {@code /actuator/health/readiness}: bot runs are being claimed and run on this node, unless the
 * node was told not to run bots ({@code handoff.studio.runner-enabled=false}).
 */
@Component
class RunnerHealthIndicator implements HealthIndicator {

	private final Runner runner;

	private final StudioProperties properties;

	RunnerHealthIndicator(Runner runner, StudioProperties properties) {
		this.runner = runner;
		this.properties = properties;
	}

	@Override
	public Health health() {
		return properties.runnerEnabled() ? runner.health() : Health.up().withDetail("runnerEnabled", false).build();
	}
}
