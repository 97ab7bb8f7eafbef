package io.handoff.studio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

import io.handoff.platform.HandoffException;
import io.handoff.platform.PhoneNumbers;

/**
 * Takes a run's variables out of its input. A missing field, or one of the wrong type, gives null (or the variable's
 * default) and a note saying why; for a required variable it fails the run instead. Never throws on any input.
 */
public final class Mapping {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private Mapping() {
	}

	/** The variables' values by name, and what went wrong taking them. */
	record Result(Map<String, JsonNode> values, List<Problem> problems) {

		boolean failed() {
			return problems.stream().anyMatch(Problem::fatal);
		}
	}

	/** Why a variable has no value; fatal when the variable is required. */
	public record Problem(String variable, String message, boolean fatal) {
	}

	static Result evaluate(List<Variable> variables, JsonNode input) {
		Map<String, JsonNode> values = new LinkedHashMap<>();
		List<Problem> problems = new ArrayList<>();
		for (Variable variable : variables) {
			JsonNode found = input.at(variable.path());
			String why = null;
			JsonNode value = null;
			if (found.isMissingNode() || found.isNull()) {
				why = "no value at " + variable.path();
			}
			else {
				try {
					value = convert(variable, found);
				}
				catch (WrongType e) {
					why = e.getMessage();
				}
			}
			if (value == null && variable.defaultValue() != null) {
				try {
					value = convert(variable, NODES.stringNode(variable.defaultValue()));
				}
				catch (WrongType e) {
					why = why + "; the default value " + e.getMessage();
				}
			}
			if (value == null) {
				problems.add(new Problem(variable.name(), why, variable.required()));
				value = NullNode.getInstance();
			}
			values.put(variable.name(), value);
		}
		return new Result(values, problems);
	}

	private static JsonNode convert(Variable variable, JsonNode found) throws WrongType {
		return switch (variable.type()) {
			case JSON -> found;
			case TEXT -> {
				if (found.isContainer()) {
					throw new WrongType("expected text, found " + (found.isArray() ? "a list" : "an object") + " at "
							+ variable.path());
				}
				String text = found.isString() ? found.asString() : found.toString();
				yield NODES.stringNode(transform(variable, text));
			}
			case NUMBER -> {
				if (found.isNumber()) {
					yield found;
				}
				String text = found.isString() ? found.asString().strip() : "";
				try {
					yield NODES.numberNode(new java.math.BigDecimal(text));
				}
				catch (NumberFormatException e) {
					throw new WrongType("expected a number, found " + describe(found) + " at " + variable.path());
				}
			}
			case BOOLEAN -> {
				if (found.isBoolean()) {
					yield found;
				}
				String text = found.isString() ? found.asString().strip().toLowerCase(Locale.ROOT) : "";
				yield switch (text) {
					case "true", "yes", "1" -> NODES.booleanNode(true);
					case "false", "no", "0" -> NODES.booleanNode(false);
					default -> throw new WrongType("expected true or false, found " + describe(found) + " at "
							+ variable.path());
				};
			}
		};
	}

	private static String transform(Variable variable, String text) throws WrongType {
		String value = text;
		for (Variable.Transform transform : variable.transforms()) {
			value = switch (transform) {
				case TRIM -> value.strip();
				case LOWERCASE -> value.toLowerCase(Locale.ROOT);
				case UPPERCASE -> value.toUpperCase(Locale.ROOT);
				case E164 -> {
					try {
						yield PhoneNumbers.toE164(variable.name(), value);
					}
					catch (HandoffException e) {
						throw new WrongType("'" + value + "' at " + variable.path() + " is not a phone number");
					}
				}
			};
		}
		return value;
	}

	private static String describe(JsonNode node) {
		if (node.isString()) {
			String text = node.asString();
			return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
		}
		return node.isObject() ? "an object" : node.isArray() ? "a list" : node.toString();
	}

	private static final class WrongType extends Exception {

		WrongType(String message) {
			super(message, null, false, false);
		}
	}
}
