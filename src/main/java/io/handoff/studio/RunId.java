package io.handoff.studio;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies one run of a bot; {@code run_} followed by a ULID. */
public record RunId(@JsonValue String value) {

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public RunId {
		Objects.requireNonNull(value, "value");
	}

	static RunId next() {
		return new RunId(Ids.next("run"));
	}

	@Override
	public String toString() {
		return value;
	}
}
