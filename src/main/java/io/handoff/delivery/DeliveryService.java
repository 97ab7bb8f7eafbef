package io.handoff.delivery;

import java.time.Clock;
import java.time.Instant;

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
			Instant since, Instant until) {
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
		return transactions.execute(status -> {
			int n = deliveries.requeueFailed(caller.workspaceId(), endpointId.value(), since, Timestamps.now(clock));
			if (n > 0) {
				deliveries.notifyDispatchers();
			}
			return n;
		});
	}

	/** The outcome of a test send, which is in the delivery log as {@code deliveryId}. */
	public record TestResult(DeliveryId deliveryId, WebhookSender.Outcome outcome) {
	}

	/**
	 * Sends an example {@code chat.assigned}, marked {@code "test": true}, to the endpoint now, signed and guarded
	 * exactly as real deliveries are, logs it, and reports the outcome. It does not count toward endpoint health.
	 */
	public TestResult sendTest(Caller caller, EndpointId endpointId) {
		WebhookService.DeliveryTarget endpoint = webhooks.deliveryTarget(caller, endpointId);
		Instant now = Timestamps.now(clock);
		Deliveries.Claimed claimed = transactions.execute(status -> {
			Event event = events.recordTestEvent(caller.workspaceId(), EventType.CHAT_ASSIGNED, now);
			DeliveryId id = DeliveryId.next();
			deliveries.insert(new Deliveries.NewDelivery(id, caller.workspaceId(), endpointId.value(),
					event.id().value(), event.type().wire(), null, null, false, true), Delivery.Status.IN_FLIGHT, now);
			deliveries.lease(id, node, now.plusSeconds(60));
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
