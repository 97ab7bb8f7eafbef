package io.handoff.studio;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.studio.*}.
 *
 * @param runnerEnabled whether this node runs bots (a node can serve the API and accept hooks only)
 * @param captureWindow how long Capture Response waits for a request
 * @param maxCaptureWait the longest one long-poll for a capture is held open
 * @param runLease how long a claim on a run holds without its node's heartbeat; a dead node's runs resume elsewhere
 *        within this plus {@code leaseCheckInterval}
 * @param leaseCheckInterval how often leases are renewed and expired ones released
 * @param maxRunTries how many times a run is started (after its nodes died) before it fails
 * @param retrySchedule how long a run waits after each transient failure of a step before it tries the step again
 *        (±20%); when every delay is spent the run fails
 * @param maxConcurrentRuns runs in progress at once on this node
 * @param pollInterval the longest the runner sleeps without a notification
 * @param maxSteps steps in one flow
 * @param maxVariables variables in one mapping
 * @param hookRatePerSecond requests per second one bot's URL takes, sustained, on each node (0: no limit); more are
 *        answered 429 with {@code Retry-After}
 * @param hookBurst requests one bot's URL takes at once before {@code hookRatePerSecond} applies
 * @param runRetention how long requests to bots' URLs and runs are kept at least; they go a whole month at a time,
 *        once the month ended this long ago (a bot's sample request stays)
 * @param retentionInterval how often run retention looks for a month to drop
 */
@ConfigurationProperties("handoff.studio")
public record StudioProperties(@DefaultValue("true") boolean runnerEnabled,
		@DefaultValue("2m") Duration captureWindow, @DefaultValue("60s") Duration maxCaptureWait,
		@DefaultValue("12s") Duration runLease, @DefaultValue("4s") Duration leaseCheckInterval,
		@DefaultValue("5") int maxRunTries,
		@DefaultValue({ "10s", "30s", "2m", "10m", "30m", "1h", "3h", "6h", "12h" }) List<Duration> retrySchedule,
		@DefaultValue("64") int maxConcurrentRuns, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("50") int maxSteps, @DefaultValue("100") int maxVariables,
		@DefaultValue("50") double hookRatePerSecond, @DefaultValue("200") int hookBurst,
		@DefaultValue("30d") Duration runRetention, @DefaultValue("1h") Duration retentionInterval) {

	public StudioProperties {
		// A cutoff of now or later would drop this month's run history with the rest.
		if (runRetention.compareTo(Duration.ofDays(1)) < 0) {
			throw new IllegalArgumentException("handoff.studio.run-retention must be at least 1d, not " + runRetention);
		}
		if (retentionInterval.isNegative() || retentionInterval.isZero()) {
			throw new IllegalArgumentException("handoff.studio.retention-interval must be positive, not " + retentionInterval);
		}
	}
}
