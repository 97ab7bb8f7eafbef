package io.handoff.delivery;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.delivery.*}.
 *
 * @param enabled whether this node runs dispatchers (a node can serve the API only)
 * @param retrySchedule delays between attempts after the first, immediate one; each gets {@code jitter}
 * @param jitter the fraction by which each delay varies at random, both ways
 * @param retryAfterCap the longest {@code Retry-After} (on 429 and 503) that is honoured as given
 * @param disableAfter how long an endpoint may fail without one success before it is disabled
 * @param batchSize deliveries claimed at once
 * @param perEndpointConcurrency the most requests in flight to one endpoint from this node
 * @param initialWindow requests in flight to an endpoint at first; the window grows on success and halves on
 *        timeouts, resets, 429 and 503, within {@code perEndpointConcurrency}
 * @param maxInFlight requests in flight from this node in all
 * @param lease how long a claim holds without its node's heartbeat; a dead node's deliveries move again within this
 *        plus {@code pollInterval}
 * @param pollInterval the longest a dispatcher sleeps without a notification
 * @param leaseCheckInterval how often leases are renewed
 * @param retention how long attempts, finished deliveries and their events are kept
 * @param retentionBatch rows deleted per statement, so retention never holds long locks
 * @param retentionInterval how often retention runs
 */
@ConfigurationProperties("handoff.delivery")
public record DeliveryProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue({ "5s", "5m", "30m", "2h", "5h", "10h", "10h" }) List<Duration> retrySchedule,
		@DefaultValue("0.2") double jitter, @DefaultValue("1h") Duration retryAfterCap,
		@DefaultValue("5d") Duration disableAfter, @DefaultValue("200") int batchSize,
		@DefaultValue("16") int perEndpointConcurrency, @DefaultValue("4") int initialWindow, @DefaultValue("2000") int maxInFlight,
		@DefaultValue("12s") Duration lease, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("4s") Duration leaseCheckInterval, @DefaultValue("30d") Duration retention,
		@DefaultValue("1000") int retentionBatch, @DefaultValue("1h") Duration retentionInterval) {
}
