package io.handoff.studio;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.HandoffException;

/** Reads request bodies by their content type: JSON, form fields, or raw text (base64 when not UTF-8). */
final class Bodies {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private Bodies() {
	}

	/** A body as stored ({@code text} in {@code encoding}) and as mapped ({@code node}). */
	record Parsed(JsonNode node, String text, String encoding) {
	}

	/** Reads a body received now; a body that claims to be JSON and is not is refused, naming the problem. */
	static Parsed parse(String contentType, byte[] bytes, JsonMapper json) {
		if (bytes.length == 0) {
			return new Parsed(NullNode.getInstance(), null, "none");
		}
		String text = utf8(bytes);
		if (text == null) {
			return new Parsed(NODES.stringNode(Base64.getEncoder().encodeToString(bytes)),
					Base64.getEncoder().encodeToString(bytes), "base64");
		}
		String type = mediaType(contentType);
		if (isJson(type)) {
			try {
				return new Parsed(json.readTree(text), text, "utf8");
			}
			catch (JacksonException e) {
				throw new HandoffException.InvalidInput("body",
						"is not valid JSON (Content-Type " + type + "): " + e.getOriginalMessage());
			}
		}
		if (type.equals("application/x-www-form-urlencoded")) {
			return new Parsed(form(text), text, "utf8");
		}
		return new Parsed(NODES.stringNode(text), text, "utf8");
	}

	/** Reads a body stored earlier by {@link #parse}. */
	static JsonNode read(String contentType, String text, String encoding, JsonMapper json) {
		if (text == null || encoding.equals("none")) {
			return NullNode.getInstance();
		}
		if (encoding.equals("base64")) {
			return NODES.stringNode(text);
		}
		String type = mediaType(contentType);
		if (isJson(type)) {
			try {
				return json.readTree(text);
			}
			catch (JacksonException e) {
				return NODES.stringNode(text);
			}
		}
		return type.equals("application/x-www-form-urlencoded") ? form(text) : NODES.stringNode(text);
	}

	/** Form or query fields as an object; a name given more than once gets a list of its values. */
	static ObjectNode form(String encoded) {
		ObjectNode fields = NODES.objectNode();
		if (encoded == null || encoded.isEmpty()) {
			return fields;
		}
		for (String pair : encoded.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String name = decode(eq < 0 ? pair : pair.substring(0, eq));
			String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
			JsonNode existing = fields.get(name);
			if (existing == null) {
				fields.put(name, value);
			}
			else if (existing.isArray()) {
				((ArrayNode) existing).add(value);
			}
			else {
				ArrayNode values = fields.putArray(name);
				values.add(existing);
				values.add(value);
			}
		}
		return fields;
	}

	static String mediaType(String contentType) {
		if (contentType == null) {
			return "";
		}
		int semicolon = contentType.indexOf(';');
		return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
	}

	private static boolean isJson(String type) {
		return type.equals("application/json") || type.endsWith("+json");
	}

	private static String decode(String value) {
		try {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException e) {
			return value;
		}
	}

	private static String utf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException e) {
			return null;
		}
	}
}
