package io.handoff.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

import io.handoff.webhooks.WebhookSender;

/**
 * Delivery metrics, served at {@code /actuator/prometheus}: attempts by outcome and endpoint, attempt latency as a
 * histogram, and per endpoint the number of due deliveries, the age of the oldest and this node's window.
 */
@Component
class DeliveryMetrics {

	private final MeterRegistry registry;
	private final MultiGauge depth;
	private final MultiGauge oldestAge;
	private final MultiGauge windows;

	DeliveryMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.depth = MultiGauge.builder("handoff.delivery.queue.depth")
			.description("Deliveries due now and not yet claimed, counted up to " + Deliveries.BACKLOG_COUNT_CAP)
			.register(registry);
		this.oldestAge = MultiGauge.builder("handoff.delivery.queue.oldest.age")
			.description("How long the oldest due delivery has waited")
			.baseUnit("seconds")
			.register(registry);
		this.windows = MultiGauge.builder("handoff.delivery.window")
			.description("Requests this node keeps in flight to the endpoint now (its adaptive window)")
			.register(registry);
	}

	void windows(java.util.Map<String, Integer> byEndpoint) {
		windows.register(byEndpoint.entrySet()
			.stream()
			.map(e -> MultiGauge.Row.of(Tags.of("endpoint", e.getKey()), e.getValue()))
			.toList(), true);
	}

	void attempt(String endpointId, WebhookSender.Outcome outcome) {
		Counter.builder("handoff.delivery.attempts")
			.description("Delivery attempts by outcome")
			.tags("endpoint", endpointId, "outcome", outcome.kind().name().toLowerCase())
			.register(registry)
			.increment();
		Timer.builder("handoff.delivery.attempt.duration")
			.description("Time from sending a webhook to its response or failure")
			.tags("endpoint", endpointId)
			.publishPercentileHistogram()
			.register(registry)
			.record(Duration.ofMillis(outcome.durationMs()));
	}

	/** Times the statement behind the queue gauges, which every node runs every ten seconds. */
	List<Deliveries.Backlog> timeBacklog(java.util.function.Supplier<List<Deliveries.Backlog>> read) {
		return Timer.builder("handoff.delivery.queue.read.duration")
			.description("Time to read the queue's depth and age per endpoint for these metrics")
			.register(registry)
			.record(read);
	}

	void backlog(List<Deliveries.Backlog> backlog, Instant now) {
		depth.register(backlog.stream()
			.map(b -> MultiGauge.Row.of(Tags.of("endpoint", b.endpointId()), b.due()))
			.toList(), true);
		oldestAge.register(backlog.stream()
			.map(b -> MultiGauge.Row.of(Tags.of("endpoint", b.endpointId()),
					Math.max(0, Duration.between(b.oldestDue(), now).toMillis() / 1000.0)))
			.toList(), true);
	}
}
