package io.handoff.events;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** The catalog of events Handoff emits. */
public enum EventType {

	CHAT_ASSIGNED("chat.assigned", "Chat Assigned to Agent",
			"A chat got an assignee or a different one: by a person, a bot workflow, the AI bot or the API."),
	CHAT_UNASSIGNED("chat.unassigned", "Chat Unassigned", "A chat lost its assignee."),
	CHAT_RESOLVED("chat.resolved", "Chat Resolved", "A chat was resolved (closed): the conversation is done."),
	CHAT_REOPENED("chat.reopened", "Chat Reopened", "A resolved chat was opened again."),
	ENDPOINT_DISABLED("endpoint.disabled", "Webhook Endpoint Disabled",
			"An endpoint was disabled after failing for too long, or because it answered 410 Gone."),
	DELIVERY_EXHAUSTED("delivery.exhausted", "Delivery Exhausted",
			"A delivery used up its retries without success.");

	private final String wire;
	private final String title;
	private final String description;

	EventType(String wire, String title, String description) {
		this.wire = wire;
		this.title = title;
		this.description = description;
	}

	/** The name in payloads and subscriptions, such as {@code chat.assigned}. */
	@JsonValue
	public String wire() {
		return wire;
	}

	/** The name users see, such as "Chat Assigned to Agent". */
	public String title() {
		return title;
	}

	public String description() {
		return description;
	}

	public static Optional<EventType> fromWire(String wire) {
		return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
	}
}
