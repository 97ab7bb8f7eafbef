package io.handoff.studio;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.node.ObjectNode;

/**
 * One step of a bot's flow.
 *
 * @param id stable across edits of the flow (round-robin rotations and run logs refer to it)
 * @param type which action runs, e.g. {@code assign_agent}
 * @param condition when present, the step runs only if it holds; otherwise it is skipped
 * @param config the action's settings, checked by the action when the flow is saved
 */
public record Step(String id, String type, String name, Condition condition, ObjectNode config) {

	/** A test on a variable: {@code equals}, {@code not_equals}, {@code contains}, {@code is_empty}, {@code is_not_empty}. */
	public record Condition(String variable, Operator operator, String value) {

		public enum Operator {
			@JsonProperty("equals") EQUALS, @JsonProperty("not_equals") NOT_EQUALS, @JsonProperty("contains") CONTAINS, @JsonProperty("is_empty") IS_EMPTY, @JsonProperty("is_not_empty") IS_NOT_EMPTY
		}
	}
}
