package io.handoff.delivery;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a delivery (one event to one endpoint); {@code dlv_} followed by a ULID. */
public record DeliveryId(@JsonValue String value) {

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public DeliveryId {
		Objects.requireNonNull(value, "value");
	}

	static final String PREFIX = "dlv";

	static DeliveryId next() {
		return new DeliveryId(Ids.next(PREFIX));
	}

	/**
	 * The least id of a delivery made at {@code time} or later, with a minute's margin before it: a delivery's id and
	 * its {@code created_at} are read from the same clock in the same moment, so {@code id >= firstAt(t)} keeps every
	 * delivery created since {@code t} (and a few before, which the exact condition on the time then drops).
	 */
	static String firstAt(java.time.Instant time) {
		return Ids.first(PREFIX, time.minus(CLOCK_MARGIN));
	}

	/** The least id of a delivery made after {@code time} and its margin: {@code id < after(t)} keeps all before it. */
	static String after(java.time.Instant time) {
		return Ids.first(PREFIX, time.plus(CLOCK_MARGIN));
	}

	private static final java.time.Duration CLOCK_MARGIN = java.time.Duration.ofMinutes(1);

	@Override
	public String toString() {
		return value;
	}
}
