package io.handoff.web;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/** JSON laid out for reading in pages ({@code ${@prettyJson.of(text)}}); anything that is not JSON is left as it is. */
@Component("prettyJson")
class PrettyJson {

	private final JsonMapper json;

	PrettyJson(JsonMapper json) {
		this.json = json;
	}

	/** A step of a run's log by what it does, e.g. "HTTP Request" for {@code http_request}. */
	public String stepTitle(String type, String name) {
		return StepDescriptions.title(type, name);
	}

	/** An object's fields as "name: value, …" for a table cell; nothing for an empty object. */
	public String fields(tools.jackson.databind.JsonNode node) {
		if (node == null || !node.isObject()) {
			return "";
		}
		return node.propertyStream()
			.map(e -> e.getKey() + ": " + (e.getValue().isValueNode() ? e.getValue().asString() : e.getValue().toString()))
			.collect(java.util.stream.Collectors.joining(", "));
	}

	public String of(String text) {
		if (text == null) {
			return null;
		}
		String trimmed = text.strip();
		if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
			return text;
		}
		try {
			return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(trimmed));
		}
		catch (RuntimeException notJson) {
			return text;
		}
	}
}
