package io.handoff.events;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.inbox.ChatAssignmentChanged;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.WorkspaceId;

/**
 * Records events and serves the event log. Recording happens inside the transaction of the change it describes (a
 * plain, synchronous listener), so an event exists exactly when its change was committed.
 */
@Service
public class EventService {

	private final Events events;
	private final Payloads payloads;
	private final ApplicationEventPublisher publisher;

	EventService(Events events, Payloads payloads, ApplicationEventPublisher publisher) {
		this.events = events;
		this.payloads = payloads;
		this.publisher = publisher;
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatAssignmentChanged change) {
		EventType type = change.unassigned() ? EventType.CHAT_UNASSIGNED : EventType.CHAT_ASSIGNED;
		EventId id = EventId.next();
		String payload = payloads.envelope(id, type, change.occurredAt(), change.workspaceId().value(),
				payloads.assignment(change));
		Event event = new Event(id, type, change.chatId().value(), change.sequence(),
				change.business().id().value(), change.occurredAt(), payload);
		events.insert(change.workspaceId(), event);
		publisher.publishEvent(new EventRecorded(change.workspaceId(), event));
	}

	public Event get(WorkspaceId workspace, EventId id) {
		return events.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound("id", "event", id.value()));
	}

	/** The event log, newest first, optionally of one type and one chat. */
	public Page<Event> list(WorkspaceId workspace, EventType type, String chatId, PageRequest page) {
		return Page.of(events.list(workspace, type, chatId, page), page.limit(), e -> e.id().value());
	}
}
