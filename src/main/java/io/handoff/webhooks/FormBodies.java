package io.handoff.webhooks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Turns an event into {@code application/x-www-form-urlencoded} for receivers that only read forms: nested fields
 * become {@code data[customer][name]}, array items {@code list[0]}, null an empty value.
 */
final class FormBodies {

	private FormBodies() {
	}

	static String encode(JsonNode event) {
		StringBuilder out = new StringBuilder();
		append(out, "", event);
		return out.toString();
	}

	private static void append(StringBuilder out, String name, JsonNode node) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				append(out, name.isEmpty() ? field.getKey() : name + "[" + field.getKey() + "]", field.getValue());
			}
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				append(out, name + "[" + i + "]", node.get(i));
			}
		}
		else {
			if (!out.isEmpty()) {
				out.append('&');
			}
			out.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
				.append('=')
				.append(node.isNull() ? "" : URLEncoder.encode(node.asString(), StandardCharsets.UTF_8));
		}
	}
}
