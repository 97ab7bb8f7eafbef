package io.handoff.studio;

import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Step conditions on variables. A missing variable is empty; comparisons use the value's text. */
final class Conditions {

	private Conditions() {
	}

	static boolean holds(Step.Condition condition, Map<String, JsonNode> variables) {
		JsonNode value = variables.get(condition.variable());
		boolean empty = value == null || value.isNull() || value.isMissingNode()
				|| (value.isString() && value.asString().isBlank()) || (value.isContainer() && value.isEmpty());
		String text = empty ? "" : value.isString() ? value.asString() : value.toString();
		String expected = condition.value() == null ? "" : condition.value();
		return switch (condition.operator()) {
			case IS_EMPTY -> empty;
			case IS_NOT_EMPTY -> !empty;
			case EQUALS -> text.equals(expected);
			case NOT_EQUALS -> !text.equals(expected);
			case CONTAINS -> value != null && value.isArray()
					? value.valueStream().anyMatch(item -> (item.isString() ? item.asString() : item.toString()).equals(expected))
					: text.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(Locale.ROOT));
		};
	}

	static String describe(Step.Condition condition) {
		String operator = condition.operator().name().toLowerCase(Locale.ROOT).replace('_', ' ');
		return condition.variable() + " " + operator
				+ (condition.value() == null ? "" : " '" + condition.value() + "'");
	}
}
