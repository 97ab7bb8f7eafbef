package io.handoff.studio;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request that reached a bot's URL, as stored (secret headers already masked) and as shown by View Response Data.
 *
 * @param headers header names in lower case; a repeated header's values joined with ", "
 * @param query each parameter's value, or a list of them when repeated
 * @param body JSON bodies as JSON, form bodies as an object of their fields, anything else as text (base64 when it
 *        is not UTF-8)
 * @param bodyEncoding {@code none}, {@code utf8} or {@code base64}
 */
public record InboundRequest(String id, String method, Map<String, String> headers, ObjectNode query,
		String contentType, JsonNode body, String bodyEncoding, String sourceIp, Instant receivedAt) {

	/** The document variables are mapped from: {@code {method, headers, query, body}}. */
	ObjectNode document(tools.jackson.databind.json.JsonMapper json) {
		ObjectNode document = json.createObjectNode();
		document.put("method", method);
		ObjectNode headerNode = document.putObject("headers");
		headers.forEach(headerNode::put);
		document.set("query", query);
		document.set("body", body);
		return document;
	}

	/** One leaf (or empty container) of a document, as a path with an example value, for mapping by a click. */
	public record Field(String pointer, String jsonPath, String type, JsonNode example) {
	}

	/** Every field of {@code document}, depth first, in document order; lists show all their items. */
	static List<Field> fields(JsonNode document) {
		List<Field> fields = new ArrayList<>();
		collect("", document, fields);
		return fields;
	}

	private static void collect(String pointer, JsonNode node, List<Field> fields) {
		if (node.isObject() && !node.isEmpty()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				collect(Paths.append(pointer, entry.getKey()), entry.getValue(), fields);
			}
		}
		else if (node.isArray() && !node.isEmpty()) {
			for (int i = 0; i < node.size(); i++) {
				collect(pointer + "/" + i, node.get(i), fields);
			}
		}
		else if (!pointer.isEmpty()) {
			fields.add(new Field(pointer, Paths.toJsonPath(pointer), type(node), node));
		}
	}

	private static String type(JsonNode node) {
		if (node.isString()) {
			return "text";
		}
		if (node.isNumber()) {
			return "number";
		}
		if (node.isBoolean()) {
			return "boolean";
		}
		if (node.isNull()) {
			return "null";
		}
		return node.isArray() ? "list" : "object";
	}
}
