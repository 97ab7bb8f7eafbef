package io.handoff.webhooks;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.handoff.platform.Ids;

/** Identifies a webhook endpoint; {@code ep_} followed by a ULID. */
public record EndpointId(@JsonValue String value) {

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	public EndpointId {
		Objects.requireNonNull(value, "value");
	}

	static EndpointId next() {
		return new EndpointId(Ids.next("ep"));
	}

	@Override
	public String toString() {
		return value;
	}
}
