package io.handoff.inbox;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a chat across module boundaries; {@code chat_} followed by a ULID. */
public record ChatId(@JsonValue String value) {

	public static final String PREFIX = "chat";

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public ChatId {
		Objects.requireNonNull(value, "value");
	}

	static ChatId next() {
		return new ChatId(Ids.next(PREFIX));
	}

	@Override
	public String toString() {
		return value;
	}
}
