package io.handoff.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.events.Event;
import io.handoff.events.EventService;
import io.handoff.events.EventType;
import io.handoff.platform.NodeId;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;
import io.handoff.webhooks.EndpointId;
import io.handoff.webhooks.WebhookSender;
import io.handoff.webhooks.WebhookService;

/**
 * The delivery log and what users do with it: look through deliveries and their attempts, resend one, recover an
 * endpoint's failures since a moment, and send a test event. For Owners, Team Leads and API keys.
 */
@Service
public class DeliveryService {

	private final Deliveries deliveries;
	private final WebhookService webhooks;
	private final WebhookSender sender;
	private final EventService events;
	private final DeliveryWorker worker;
	private final Windows windows;
	private final TransactionTemplate transactions;
	private final Clock clock;
	private final String node;

	DeliveryService(Deliveries deliveries, WebhookService webhooks, WebhookSender sender, EventService events,
			DeliveryWorker worker, Windows windows, TransactionTemplate transactions, Clock clock, NodeId node) {
		this.windows = windows;
		this.deliveries = deliveries;
		this.webhooks = webhooks;
		this.sender = sender;
		this.events = events;
		this.worker = worker;
		this.transactions = transactions;
		this.clock = clock;
		this.node = node.value();
	}

	/** Filters of the delivery log; null components do not filter. */
	public record Filter(EndpointId endpointId, Delivery.Status status, String eventType, String chatId,
			String eventId, Instant since, Instant until) {
	}

	public Page<Delivery> list(Caller caller, Filter filter, PageRequest page) {
		caller.requireManager();
		if (filter.eventType() != null && EventType.fromWire(filter.eventType()).isEmpty()) {
			throw new HandoffException.InvalidInput("eventType", "'" + filter.eventType() + "' is not an event type");
		}
		if (filter.endpointId() != null) {
			webhooks.get(caller, filter.endpointId());
		}
		return Page.of(deliveries.list(caller.workspaceId(), filter, page), page.limit(), d -> d.id().value());
	}

	/**
	 * How many requests this node sends to the endpoint at once now, and the most it would: the window grows while
	 * the endpoint succeeds and halves on timeouts, resets, 429 and 503.
	 */
	public record Concurrency(int window, int limit) {
	}

	public Concurrency concurrency(Caller caller, EndpointId endpointId) {
		caller.requireManager();
		webhooks.get(caller, endpointId);
		return new Concurrency(windows.of(endpointId.value()), windows.limit());
	}

	/**
	 * The endpoint's last 24 hours, an hour at a time (the oldest first, every hour present), and in all.
	 *
	 * @param successRate succeeded attempts over all attempts, from 0 to 1; null without attempts
	 */
	public record Health(List<Hour> hours, int attempts, Double successRate, Double p95Ms) {

		public record Hour(Instant hour, int attempts, int succeeded, double p95Ms) {

			public double successRate() {
				return attempts == 0 ? 1 : (double) succeeded / attempts;
			}
		}
	}

	public Health health(Caller caller, EndpointId endpointId) {
		caller.requireManager();
		webhooks.get(caller, endpointId);
		Instant now = Timestamps.now(clock);
		Instant first = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(java.time.Duration.ofHours(23));
		java.util.Map<Instant, Deliveries.Hour> byHour = new java.util.HashMap<>();
		Instant live = liveFrom(first, now);
		settledHours(caller.workspaceId(), endpointId.value(), first, live).forEach(h -> byHour.put(h.hour(), h));
		deliveries.hourly(caller.workspaceId(), endpointId.value(), live, now.plus(java.time.Duration.ofDays(1)))
			.forEach(h -> byHour.put(h.hour(), h));
		List<Health.Hour> hours = new java.util.ArrayList<>();
		int attempts = 0;
		int succeeded = 0;
		double worstP95 = 0;
		for (int i = 0; i < 24; i++) {
			Instant hour = first.plus(java.time.Duration.ofHours(i));
			Deliveries.Hour h = byHour.get(hour);
			hours.add(h == null ? new Health.Hour(hour, 0, 0, 0) : new Health.Hour(hour, h.attempts(), h.succeeded(), h.p95Ms()));
			if (h != null) {
				attempts += h.attempts();
				succeeded += h.succeeded();
				worstP95 = Math.max(worstP95, h.p95Ms());
			}
		}
		return new Health(hours, attempts, attempts == 0 ? null : (double) succeeded / attempts,
				attempts == 0 ? null : worstP95);
	}

	/**
	 * An attempt is recorded when it ends, so an hour's figures stop changing once the longest attempt that began in
	 * it has been recorded: a request's timeout is seconds, and two minutes is ample.
	 */
	private static final java.time.Duration SETTLED = java.time.Duration.ofMinutes(2);

	/** Hours of endpoint health that can no longer change, per endpoint, so a page reads only the live hour. */
	private final java.util.Map<String, Settled> settled = new java.util.concurrent.ConcurrentHashMap<>();

	private record Settled(Instant from, Instant until, List<Deliveries.Hour> hours) {
	}

	private static Instant liveFrom(Instant first, Instant now) {
		Instant live = now.minus(SETTLED).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
		return live.isBefore(first) ? first : live;
	}

	/** The endpoint's hours from {@code first} until the live one: read once, then kept until the live hour moves on. */
	private List<Deliveries.Hour> settledHours(WorkspaceId workspace, String endpointId, Instant first, Instant until) {
		String key = workspace.value() + "/" + endpointId;
		Settled known = settled.get(key);
		if (known == null || !known.from().equals(first) || !known.until().equals(until)) {
			if (settled.size() > 10_000) {
				settled.clear();
			}
			known = new Settled(first, until, deliveries.hourly(workspace, endpointId, first, until));
			settled.put(key, known);
		}
		return known.hours();
	}

	/** One delivery with every attempt, oldest first. */
	public Delivery get(Caller caller, DeliveryId id) {
		caller.requireManager();
		Delivery delivery = deliveries.find(caller.workspaceId(), id)
			.orElseThrow(() -> new HandoffException.NotFound("id", "delivery", id.value()));
		return new Delivery(delivery.id(), delivery.endpointId(), delivery.eventId(), delivery.eventType(),
				delivery.chatId(), delivery.sequence(), delivery.status(), delivery.attempts(),
				delivery.nextAttemptAt(), delivery.lastOutcome(), delivery.lastStatus(), delivery.test(),
				delivery.createdAt(), delivery.completedAt(), deliveries.attempts(id));
	}

	/**
	 * Sends a delivery again now, whatever its state, as a manual attempt that is logged like any other. A failure of
	 * a manual attempt is final: it does not start a new round of retries.
	 */
	public Delivery resend(Caller caller, DeliveryId id) {
		caller.requireManager();
		Delivery delivery = get(caller, id);
		if (delivery.test()) {
			throw new HandoffException.RuleViolation("id", "test deliveries are not resent; send a new test event");
		}
		boolean queued = transactions.execute(status -> {
			boolean requeued = deliveries.requeueManually(caller.workspaceId(), id, Timestamps.now(clock));
			if (requeued) {
				deliveries.notifyDispatchers();
			}
			return requeued;
		});
		if (!queued) {
			throw new HandoffException.Conflict("id", "the delivery is being sent right now; try again in a moment");
		}
		return get(caller, id);
	}

	/** Queues a manual attempt of every failed delivery of the endpoint since {@code since}; answers how many. */
	public int recover(Caller caller, EndpointId endpointId, Instant since) {
		caller.requireManager();
		webhooks.get(caller, endpointId);
		if (since == null) {
			throw new HandoffException.InvalidInput("since", "is required: recover failed deliveries since when?");
		}
		// In slices of a few thousand, each its own transaction, so that claims never wait behind a long one; the
		// dispatchers are woken after each, and start on the first slice while the next is queued.
		int total = 0;
		String after = null;
		while (true) {
			String from = after;
			Deliveries.Requeued slice = transactions.execute(status -> {
				Deliveries.Requeued r = deliveries.requeueFailed(caller.workspaceId(), endpointId.value(), since, from,
						RECOVER_SLICE, Timestamps.now(clock));
				if (r.count() > 0) {
					deliveries.notifyDispatchers();
				}
				return r;
			});
			total += slice.count();
			if (slice.count() < RECOVER_SLICE) {
				return total;
			}
			after = slice.lastId();
		}
	}

	private static final int RECOVER_SLICE = 5_000;

	/** The outcome of a test send, which is in the delivery log as {@code deliveryId}. */
	public record TestResult(DeliveryId deliveryId, WebhookSender.Outcome outcome) {
	}

	public TestResult sendTest(Caller caller, EndpointId endpointId) {
		return sendTest(caller, endpointId, null);
	}

	/**
	 * Sends an example of {@code eventType} ({@code chat.assigned} when null), marked {@code "test": true}, to the
	 * endpoint now, signed and guarded exactly as real deliveries are, logs it, and reports the outcome. A success
	 * after failures counts as the endpoint's recovery.
	 */
	public TestResult sendTest(Caller caller, EndpointId endpointId, String eventType) {
		EventType type = eventType == null || eventType.isBlank() ? EventType.CHAT_ASSIGNED
				: EventType.fromWire(eventType.strip())
					.orElseThrow(() -> new HandoffException.InvalidInput("eventType", "'" + eventType
							+ "' is not an event type; the catalog is at /api/v1/event-types"));
		WebhookService.DeliveryTarget endpoint = webhooks.deliveryTarget(caller, endpointId);
		Instant now = Timestamps.now(clock);
		Deliveries.Claimed claimed = transactions.execute(status -> {
			Event event = events.recordTestEvent(caller.workspaceId(), type, now);
			DeliveryId id = DeliveryId.next();
			deliveries.insertHeld(new Deliveries.NewDelivery(id, caller.workspaceId(), endpointId.value(),
					event.id().value(), event.type().wire(), null, null, false, true), node, now.plusSeconds(60), now);
			return new Deliveries.Claimed(id, caller.workspaceId(), endpointId.value(), event.id().value(),
					event.type().wire(), null, 0, true, false, event.payload());
		});
		WebhookSender.Outcome outcome = sender.send(endpoint.target(), claimed.eventId(), claimed.payload());
		transactions.executeWithoutResult(status -> {
			deliveries.insertAttempt(worker.attempt(claimed, 1, "test", outcome, now, node));
			deliveries.finish(claimed.id(), node,
					outcome.succeeded() ? Delivery.Status.SUCCEEDED : Delivery.Status.FAILED, 1, null,
					worker.kind(outcome), outcome.status(), Timestamps.now(clock));
			if (outcome.succeeded()) {
				// A test send that succeeds after the receiver was fixed is its recovery too.
				worker.answered(endpointId, Timestamps.now(clock));
			}
		});
		return new TestResult(claimed.id(), outcome);
	}
}
