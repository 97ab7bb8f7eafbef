package io.handoff.studio;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.studio.*}.
 *
 * @param runnerEnabled whether this node runs bots (a node can serve the API and accept hooks only)
 * @param captureWindow how long Capture Response waits for a request
 * @param maxCaptureWait the longest one long-poll for a capture is held open
 * @param runLease how long a node holds a run before another may resume it
 * @param maxRunTries how many times a run is started (after its nodes died) before it fails
 * @param maxConcurrentRuns runs in progress at once on this node
 * @param pollInterval the longest the runner sleeps without a notification
 * @param maxSteps steps in one flow
 * @param maxVariables variables in one mapping
 */
@ConfigurationProperties("handoff.studio")
public record StudioProperties(@DefaultValue("true") boolean runnerEnabled,
		@DefaultValue("2m") Duration captureWindow, @DefaultValue("60s") Duration maxCaptureWait,
		@DefaultValue("5m") Duration runLease, @DefaultValue("5") int maxRunTries,
		@DefaultValue("64") int maxConcurrentRuns, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("50") int maxSteps, @DefaultValue("100") int maxVariables) {
}
