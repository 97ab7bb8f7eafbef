package io.handoff.platform;

import java.util.Objects;

/** The tenant every row and every query is scoped to. */
public record WorkspaceId(String value) implements java.io.Serializable {

	public WorkspaceId {
		Objects.requireNonNull(value, "value");
	}

	public static WorkspaceId next() {
		return new WorkspaceId(Ids.next("ws"));
	}

	@Override
	public String toString() {
		return value;
	}
}
