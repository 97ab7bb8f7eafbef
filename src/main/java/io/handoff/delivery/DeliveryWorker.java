package io.handoff.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.events.EventService;
import io.handoff.events.EventType;
import io.handoff.platform.GuardedHttp;
import io.handoff.platform.NodeId;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;
import io.handoff.webhooks.EndpointId;
import io.handoff.webhooks.WebhookSender;
import io.handoff.webhooks.WebhookService;

/**
 * Makes one try of one claimed delivery: sends it, logs the attempt, and decides what comes next (done, retry when,
 * or failed for good) in one transaction. Also keeps endpoint health: a 410 disables an endpoint at once, and so does
 * failing without a single success for {@code handoff.delivery.disable-after}.
 */
@Component
class DeliveryWorker {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

	private final Deliveries deliveries;
	private final WebhookService webhooks;
	private final WebhookSender sender;
	private final EventService events;
	private final DeliveryMetrics metrics;
	private final TransactionTemplate transactions;
	private final DeliveryProperties properties;
	private final RetryPolicy defaultPolicy;
	private final RateLimiter rateLimiter = new RateLimiter();
	private final Targets targets;
	private final Recorder recorder;
	private final JsonMapper json;
	private final Clock clock;
	private final String node;

	DeliveryWorker(Deliveries deliveries, WebhookService webhooks, WebhookSender sender, EventService events,
			DeliveryMetrics metrics, TransactionTemplate transactions, DeliveryProperties properties, NodeId node,
			Recorder recorder, JsonMapper json, Clock clock) {
		this.deliveries = deliveries;
		this.webhooks = webhooks;
		this.sender = sender;
		this.events = events;
		this.metrics = metrics;
		this.transactions = transactions;
		this.properties = properties;
		this.defaultPolicy = new RetryPolicy(properties.retrySchedule(), properties.jitter(),
				properties.retryAfterCap());
		this.json = json;
		this.clock = clock;
		this.node = node.value();
		this.targets = new Targets(webhooks);
		this.recorder = recorder;
		recorder.attach(this);
	}

	/**
	 * Endpoints as last loaded, for a second: a busy endpoint is read and its secrets unsealed once a second rather
	 * than once per request. A change takes at most that long to apply; a rotated-out secret keeps signing for a day
	 * anyway, and disabling an endpoint fails what waits for it at once.
	 */
	private static final class Targets {

		private static final long TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

		private final WebhookService webhooks;
		private final java.util.Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

		Targets(WebhookService webhooks) {
			this.webhooks = webhooks;
		}

		Optional<WebhookService.DeliveryTarget> get(Deliveries.Claimed claimed) {
			long now = System.nanoTime();
			Cached cached = cache.get(claimed.endpointId());
			if (cached != null && now - cached.loadedAt() < TTL_NANOS) {
				return cached.target();
			}
			Optional<WebhookService.DeliveryTarget> target = webhooks.deliveryTarget(claimed.workspace(),
					new EndpointId(claimed.endpointId()));
			cache.put(claimed.endpointId(), new Cached(target, now));
			return target;
		}

		private record Cached(Optional<WebhookService.DeliveryTarget> target, long loadedAt) {
		}
	}

	/** Makes the try; answers its outcome, or null when nothing was sent. */
	WebhookSender.Outcome process(Deliveries.Claimed claimed) throws InterruptedException {
		Optional<WebhookService.DeliveryTarget> found = targets.get(claimed);
		if (found.isEmpty()) {
			return null;
		}
		WebhookService.DeliveryTarget endpoint = found.get();
		if (!endpoint.enabled()) {
			transactions.executeWithoutResult(status -> deliveries.finish(claimed.id(), node, Delivery.Status.FAILED,
					claimed.attempts(), null, "endpoint_disabled", null, Timestamps.now(clock)));
			return null;
		}
		rateLimiter.acquire(claimed.endpointId(), endpoint.rateLimitPerSecond());
		Instant started = Timestamps.now(clock);
		WebhookSender.Outcome outcome = sender.send(endpoint.target(), claimed.eventId(), claimed.payload());
		if (Thread.interrupted()) {
			// The node is stopping and cut this try short: not the receiver's failure. Nothing is recorded, and the
			// delivery is given back, due now, for another node (the receiver may see it twice, same webhook-id).
			throw new InterruptedException("stopping");
		}
		metrics.attempt(claimed.endpointId(), outcome);
		recorder.record(new Sent(claimed, endpoint, outcome, started));
		return outcome;
	}

	/** A try that was made and waits to be recorded. */
	record Sent(Deliveries.Claimed claimed, WebhookService.DeliveryTarget endpoint, WebhookSender.Outcome outcome,
			Instant started) {
	}

	/**
	 * Records a batch of tries in one transaction: their attempts in one round trip, the successes in another, and
	 * each failure with what follows from it (a retry, exhaustion, disabling the endpoint).
	 */
	void recordAll(List<Sent> batch) {
		Instant now = Timestamps.now(clock);
		List<Sent> succeeded = batch.stream().filter(s -> s.outcome().succeeded()).toList();
		deliveries.insertAttempts(batch.stream()
			.map(s -> attempt(s.claimed(), s.claimed().attempts() + 1, s.claimed().manual() ? "manual" : "scheduled",
					s.outcome(), s.started(), node))
			.toList());
		boolean[] held = deliveries.succeedAll(succeeded.stream()
			.map(s -> new Deliveries.Succeeded(s.claimed().id(), s.claimed().attempts() + 1, s.outcome().status()))
			.toList(), node, now);
		java.util.Set<EndpointId> healthy = new java.util.HashSet<>();
		for (int i = 0; i < held.length; i++) {
			if (held[i]) {
				healthy.add(succeeded.get(i).endpoint().id());
			}
		}
		healthy.forEach(endpoint -> answered(endpoint, now));
		for (Sent sent : batch) {
			if (!sent.outcome().succeeded()) {
				recordFailure(sent, now);
			}
		}
	}

	/**
	 * The endpoint answered with a success (a delivery or a test send). When it had been failing, what waits for a
	 * retry is due now, so a receiver that comes back gets its backlog at once rather than over the retry schedule's
	 * hours. Claims still keep the endpoint's concurrency and send each ordered chat's head first.
	 */
	void answered(EndpointId endpoint, Instant now) {
		if (!webhooks.recordSuccess(endpoint)) {
			return;
		}
		int due = deliveries.bringForward(endpoint.value(), now);
		if (due > 0) {
			log.info("Webhook endpoint {} answers again; {} deliveries waiting for a retry are due now", endpoint, due);
			deliveries.notifyDispatchers();
		}
	}

	private void recordFailure(Sent sent, Instant now) {
		Deliveries.Claimed claimed = sent.claimed();
		WebhookService.DeliveryTarget endpoint = sent.endpoint();
		WebhookSender.Outcome outcome = sent.outcome();
		int attempts = claimed.attempts() + 1;
		String kind = kind(outcome);
		boolean gone = outcome.status() != null && outcome.status() == 410;
		boolean retryable = !gone && !claimed.manual()
				&& !(outcome.kind() == WebhookSender.OutcomeKind.TIMEOUT && !endpoint.retryOnTimeout());
		RetryPolicy policy = endpoint.retrySchedule() == null ? defaultPolicy
				: new RetryPolicy(endpoint.retrySchedule(), properties.jitter(), properties.retryAfterCap());
		Optional<Duration> delay = retryable
				? policy.next(attempts, retryAfter(outcome, now), ThreadLocalRandom.current()) : Optional.empty();
		Delivery.Status next = delay.isPresent() ? Delivery.Status.PENDING : Delivery.Status.FAILED;
		if (!deliveries.finish(claimed.id(), node, next, attempts, delay.map(now::plus).orElse(null), kind,
				outcome.status(), now)) {
			log.info("Lease on delivery {} was lost while sending; another node carries on", claimed.id());
			return;
		}
		Instant failingSince = webhooks.recordFailure(endpoint.id(), now);
		// A 410 is reported as endpoint.disabled; exhaustion is for deliveries that used up their tries.
		if (next == Delivery.Status.FAILED && !gone && !claimed.manual() && !aboutDelivery(claimed.eventType())) {
			exhausted(claimed, endpoint, attempts, kind, outcome.status(), now);
		}
		if (gone) {
			disable(claimed.workspace(), endpoint, "gone", "The endpoint answered 410 Gone", null, now);
		}
		else if (!failingSince.isAfter(now.minus(properties.disableAfter()))) {
			disable(claimed.workspace(), endpoint, "failing",
					"No successful delivery since " + Timestamps.format(failingSince), failingSince, now);
		}
	}

	/** The log entry of a try; also used for test sends, which skip the queue. */
	Deliveries.NewAttempt attempt(Deliveries.Claimed claimed, int number, String trigger,
			WebhookSender.Outcome outcome, Instant started, String node) {
		// A JSON body is the event's payload byte for byte; the log reads it from the event rather than keep a copy.
		String body = outcome.request().body().equals(claimed.payload()) ? null : outcome.request().body();
		return new Deliveries.NewAttempt(claimed.id(), claimed.workspace(), claimed.endpointId(), number, trigger,
				kind(outcome), outcome.status(), json.writeValueAsString(outcome.request().headers()), body,
				outcome.status() == null ? null : json.writeValueAsString(outcome.responseHeaders()),
				outcome.responseBody(), outcome.error(), outcome.durationMs(), node, started);
	}

	/** The outcome class as the API and the log name it, such as {@code http_error}. */
	String kind(WebhookSender.Outcome outcome) {
		return json.convertValue(outcome.kind(), String.class);
	}

	/** Events about deliveries do not report their own failures, or a dead endpoint would feed itself. */
	private static boolean aboutDelivery(String eventType) {
		return eventType.equals(EventType.DELIVERY_EXHAUSTED.wire()) || eventType.equals(EventType.ENDPOINT_DISABLED.wire());
	}

	private void exhausted(Deliveries.Claimed claimed, WebhookService.DeliveryTarget endpoint, int attempts,
			String outcome, Integer status, Instant now) {
		ObjectNode data = json.createObjectNode();
		data.put("deliveryId", claimed.id().value());
		data.put("endpointId", endpoint.id().value());
		data.put("endpointName", endpoint.name());
		data.put("eventId", claimed.eventId());
		data.put("eventType", claimed.eventType());
		data.put("chatId", claimed.chatId());
		data.put("attempts", attempts);
		data.put("lastOutcome", outcome);
		data.put("lastStatus", status);
		data.put("exhaustedAt", Timestamps.format(now));
		events.recordSystemEvent(claimed.workspace(), EventType.DELIVERY_EXHAUSTED, data, now);
	}

	private void disable(WorkspaceId workspace, WebhookService.DeliveryTarget endpoint, String reason, String text,
			Instant failingSince, Instant now) {
		if (!webhooks.disableAutomatically(workspace, endpoint.id(), text)) {
			return;
		}
		log.warn("Disabled webhook endpoint {}: {}", endpoint.id(), text);
		ObjectNode data = json.createObjectNode();
		data.put("endpointId", endpoint.id().value());
		data.put("endpointName", endpoint.name());
		data.put("url", endpoint.url());
		data.put("reason", reason);
		data.put("failingSince", Timestamps.format(failingSince));
		data.put("disabledAt", Timestamps.format(now));
		events.recordSystemEvent(workspace, EventType.ENDPOINT_DISABLED, data, now);
	}

	/** What the receiver asked for with {@code Retry-After} on a 429 or 503. */
	static Duration retryAfter(WebhookSender.Outcome outcome, Instant now) {
		if (outcome.status() == null || (outcome.status() != 429 && outcome.status() != 503)) {
			return null;
		}
		return GuardedHttp.retryAfter(outcome.responseHeaders().get("retry-after"), now);
	}
}
