package io.handoff.inbox;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a member across module boundaries; {@code usr_} followed by a ULID. */
public record MemberId(@JsonValue String value) {

	public static final String PREFIX = "usr";

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public MemberId {
		Objects.requireNonNull(value, "value");
	}

	static MemberId next() {
		return new MemberId(Ids.next(PREFIX));
	}

	@Override
	public String toString() {
		return value;
	}
}
