package io.handoff.events;

import java.time.Instant;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatAssignmentChanged;
import io.handoff.inbox.ChatStatusChanged;
import io.handoff.platform.Caller;
import io.handoff.platform.ChatVisibility;
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
	private final EventCatalog catalog;
	private final ApplicationEventPublisher publisher;
	private final ChatVisibility visibility;

	EventService(Events events, Payloads payloads, EventCatalog catalog, ApplicationEventPublisher publisher,
			ChatVisibility visibility) {
		this.visibility = visibility;
		this.events = events;
		this.payloads = payloads;
		this.catalog = catalog;
		this.publisher = publisher;
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatAssignmentChanged change) {
		EventType type = change.unassigned() ? EventType.CHAT_UNASSIGNED : EventType.CHAT_ASSIGNED;
		EventId id = EventId.next();
		String payload = payloads.envelope(id, type, change.occurredAt(), change.workspaceId().value(), false,
				payloads.assignment(change));
		Event event = new Event(id, type, change.chatId().value(), change.sequence(),
				change.business().id().value(), change.occurredAt(), false, payload);
		record(change.workspaceId(), event);
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatStatusChanged change) {
		EventType type = change.status() == Chat.Status.CLOSED ? EventType.CHAT_RESOLVED : EventType.CHAT_REOPENED;
		EventId id = EventId.next();
		String payload = payloads.envelope(id, type, change.occurredAt(), change.workspaceId().value(), false,
				payloads.status(change));
		record(change.workspaceId(), new Event(id, type, change.chatId().value(), change.sequence(),
				change.business().id().value(), change.occurredAt(), false, payload));
	}

	/**
	 * Records an event about Handoff itself ({@code endpoint.disabled}, {@code delivery.exhausted}) with the given
	 * {@code data}, in the caller's transaction.
	 */
	@Transactional
	public Event recordSystemEvent(WorkspaceId workspace, EventType type, ObjectNode data, Instant at) {
		EventId id = EventId.next();
		Event event = new Event(id, type, null, null, null, at, false,
				payloads.envelope(id, type, at, workspace.value(), false, data));
		record(workspace, event);
		return event;
	}

	/**
	 * Records the example of {@code type}, marked {@code "test": true}, for a test send. It is kept with the
	 * deliveries it has but left out of the event log, and nothing is fanned out for it.
	 */
	@Transactional
	public Event recordTestEvent(WorkspaceId workspace, EventType type, Instant at) {
		EventId id = EventId.next();
		ObjectNode data = (ObjectNode) catalog.entry(type).example().get("data").deepCopy();
		Event event = new Event(id, type, null, null, null, at, true,
				payloads.envelope(id, type, at, workspace.value(), true, data));
		events.insert(workspace, event);
		return event;
	}

	private void record(WorkspaceId workspace, Event event) {
		events.insert(workspace, event);
		publisher.publishEvent(new EventRecorded(workspace, event));
	}

	public Event get(WorkspaceId workspace, EventId id) {
		return events.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound("id", "event", id.value()));
	}

	/** The event log, newest first, optionally of one type and one chat. */
	public Page<Event> list(WorkspaceId workspace, EventType type, String chatId, PageRequest page) {
		return Page.of(events.list(workspace, type, chatId, null, page), page.limit(), e -> e.id().value());
	}

	/** The event log as the caller may see it: only the events of their chats for "assigned chats only". */
	public Page<Event> list(Caller caller, EventType type, String chatId, PageRequest page) {
		List<String> visible = visibility.seesAll(caller) ? null : visibility.visibleChatIds(caller);
		return Page.of(events.list(caller.workspaceId(), type, chatId, visible, page), page.limit(), e -> e.id().value());
	}

	public Event get(Caller caller, EventId id) {
		Event event = get(caller.workspaceId(), id);
		if (!visibility.seesAll(caller) && (event.chatId() == null || !visibility.visibleChatIds(caller).contains(event.chatId()))) {
			throw new HandoffException.NotFound("id", "event", id.value());
		}
		return event;
	}
}
