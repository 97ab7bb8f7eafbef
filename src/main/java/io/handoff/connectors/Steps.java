package io.handoff.connectors;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.HandoffException;

/** Helpers the connector steps share: reading their settings, and logging calls in their outputs. */
final class Steps {

	static final int LOGGED_BODY = 16 * 1024;

	private Steps() {
	}

	static String text(ObjectNode config, String name) {
		JsonNode value = config.get(name);
		return value == null || value.isNull() || !value.isString() || value.asString().isBlank() ? null
				: value.asString().strip();
	}

	static String required(ObjectNode config, String name, String field) {
		String value = text(config, name);
		if (value == null) {
			throw new HandoffException.InvalidInput(field + "." + name, "is required");
		}
		return value;
	}

	static boolean bool(ObjectNode config, String name, String field, boolean otherwise) {
		JsonNode value = config.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isBoolean()) {
			throw new HandoffException.InvalidInput(field + "." + name, "must be true or false");
		}
		return value.asBoolean();
	}

	/** Appends each try of a call to the output's {@code tries} list, for the run log. */
	static void logTries(ObjectNode output, List<OutboundHttp.Try> tries, JsonMapper json) {
		ArrayNode list = output.has("tries") ? (ArrayNode) output.get("tries") : output.putArray("tries");
		tries.forEach(t -> list.add(json.valueToTree(t)));
	}

	/** A response body for the log and for later steps: JSON as JSON when small enough, else text (cut). */
	static JsonNode body(String body, JsonMapper json) {
		if (body == null || body.isEmpty()) {
			return json.nullNode();
		}
		String trimmed = body.strip();
		if (body.length() <= 64 * 1024 && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
			try {
				return json.readTree(body);
			}
			catch (RuntimeException e) {
				// Not JSON after all: kept as text.
			}
		}
		return json.getNodeFactory().stringNode(body.length() > LOGGED_BODY ? body.substring(0, LOGGED_BODY) + "…" : body);
	}
}
