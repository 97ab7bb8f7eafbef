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

	static DeliveryId next() {
		return new DeliveryId(Ids.next("dlv"));
	}

	@Override
	public String toString() {
		return value;
	}
}
