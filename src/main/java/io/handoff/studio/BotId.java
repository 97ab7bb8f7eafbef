package io.handoff.studio;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a bot; {@code bot_} followed by a ULID. */
public record BotId(@JsonValue String value) {

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public BotId {
		Objects.requireNonNull(value, "value");
	}

	static BotId next() {
		return new BotId(Ids.next("bot"));
	}

	@Override
	public String toString() {
		return value;
	}
}
