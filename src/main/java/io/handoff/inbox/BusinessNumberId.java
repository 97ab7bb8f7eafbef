package io.handoff.inbox;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a business number across module boundaries; {@code num_} followed by a ULID. */
public record BusinessNumberId(@JsonValue String value) {

	public static final String PREFIX = "num";

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public BusinessNumberId {
		Objects.requireNonNull(value, "value");
	}

	static BusinessNumberId next() {
		return new BusinessNumberId(Ids.next(PREFIX));
	}

	@Override
	public String toString() {
		return value;
	}
}
