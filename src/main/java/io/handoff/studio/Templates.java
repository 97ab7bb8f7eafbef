package io.handoff.studio;

import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Step settings with placeholders: {@code {{customerNumber}}} is a variable, {@code {{steps.lookup.body.id}}} a field
 * of an earlier step's output (dotted path, numbers index lists). A placeholder with no value becomes empty.
 */
public final class Templates {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.\\-]+)\\s*}}");

	private Templates() {
	}

	/** For plain text: URLs, headers, form fields. */
	public static String text(String template, Map<String, JsonNode> variables, Map<String, JsonNode> outputs) {
		return render(template, variables, outputs, UnaryOperator.identity());
	}

	/** For JSON bodies: values are escaped as the inside of a JSON string, so {@code "{{name}}"} stays valid. */
	public static String json(String template, Map<String, JsonNode> variables, Map<String, JsonNode> outputs) {
		return render(template, variables, outputs, Templates::escapeJson);
	}

	/** The value a placeholder name stands for, or null. */
	public static JsonNode lookup(String name, Map<String, JsonNode> variables, Map<String, JsonNode> outputs) {
		if (!name.startsWith("steps.")) {
			return variables.get(name);
		}
		String[] parts = name.split("\\.");
		if (parts.length < 2) {
			return null;
		}
		JsonNode node = outputs.get(parts[1]);
		for (int i = 2; i < parts.length && node != null; i++) {
			node = node.isArray() && parts[i].matches("\\d+") ? node.get(Integer.parseInt(parts[i])) : node.get(parts[i]);
		}
		return node;
	}

	private static String render(String template, Map<String, JsonNode> variables, Map<String, JsonNode> outputs,
			UnaryOperator<String> escape) {
		if (template == null) {
			return null;
		}
		Matcher matcher = PLACEHOLDER.matcher(template);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			JsonNode value = lookup(matcher.group(1), variables, outputs);
			String text = value == null || value.isNull() || value.isMissingNode() ? ""
					: value.isString() ? value.asString() : value.toString();
			matcher.appendReplacement(out, Matcher.quoteReplacement(escape.apply(text)));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	private static String escapeJson(String text) {
		StringBuilder out = new StringBuilder(text.length() + 8);
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}
}
