package io.handoff.inbox;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a customer across module boundaries; {@code cus_} followed by a ULID. */
public record CustomerId(@JsonValue String value) {

	public static final String PREFIX = "cus";

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public CustomerId {
		Objects.requireNonNull(value, "value");
	}

	static CustomerId next() {
		return new CustomerId(Ids.next(PREFIX));
	}

	@Override
	public String toString() {
		return value;
	}
}
