package io.handoff.events;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** An event's id: {@code evt_} and a ULID. It is the {@code webhook-id} of every delivery of the event. */
public record EventId(@JsonValue String value) {

	public EventId {
		Objects.requireNonNull(value, "value");
	}

	static EventId next() {
		return new EventId(Ids.next("evt"));
	}

	@Override
	public String toString() {
		return value;
	}
}
