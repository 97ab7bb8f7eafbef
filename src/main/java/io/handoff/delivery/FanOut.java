package io.handoff.delivery;

import java.time.Clock;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.events.Event;
import io.handoff.events.EventRecorded;
import io.handoff.platform.Timestamps;
import io.handoff.webhooks.EndpointDisabled;
import io.handoff.webhooks.WebhookService;

/**
 * Keeps the queue in step with events and endpoints. Creates one delivery per subscribed endpoint in the transaction that records the event: nothing is lost if the
 * process dies after the commit, nothing is sent if the transaction rolls back. The commit also wakes the dispatchers
 * of every node through {@code NOTIFY}.
 */
@Component
class FanOut {

	private final WebhookService webhooks;
	private final Deliveries deliveries;
	private final Clock clock;

	FanOut(WebhookService webhooks, Deliveries deliveries, Clock clock) {
		this.webhooks = webhooks;
		this.deliveries = deliveries;
		this.clock = clock;
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(EventRecorded recorded) {
		Event event = recorded.event();
		var subscribers = webhooks.subscribers(recorded.workspaceId(), event.type(), event.businessNumberId());
		if (subscribers.isEmpty()) {
			return;
		}
		deliveries.insertPending(subscribers.stream()
			.map(subscriber -> new Deliveries.NewDelivery(DeliveryId.next(), recorded.workspaceId(),
					subscriber.id().value(), event.id().value(), event.type().wire(), event.chatId(), event.sequence(),
					subscriber.ordered(), false))
			.toList(), Timestamps.now(clock));
		deliveries.notifyDispatchers();
	}

	/**
	 * What waits for an endpoint that is disabled fails with it, so that enabling it again does not replay history;
	 * recovery resends it when asked.
	 */
	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(EndpointDisabled disabled) {
		deliveries.failPending(disabled.workspaceId(), disabled.endpointId().value(), "endpoint_disabled",
				Timestamps.now(clock));
	}
}
