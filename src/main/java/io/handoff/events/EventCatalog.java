package io.handoff.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every event type with its JSON Schema and an example payload. The schemas live in {@code resources/events/} and
 * are the contract: the tests validate real payloads against these same files.
 */
@Component
public class EventCatalog {

	private final List<Entry> entries;

	EventCatalog(JsonMapper json) {
		this.entries = Arrays.stream(EventType.values())
			.map(type -> new Entry(type.wire(), type.title(), type.description(),
					json.readTree(read(type.wire() + ".schema.json")), json.readTree(read(type.wire() + ".example.json"))))
			.toList();
	}

	/**
	 * @param type the name used in payloads and subscriptions
	 * @param title the name users see
	 */
	public record Entry(String type, String title, String description, JsonNode schema, JsonNode example) {
	}

	public List<Entry> entries() {
		return entries;
	}

	public Entry entry(EventType type) {
		return entries.get(type.ordinal());
	}

	private static String read(String name) {
		try (InputStream in = new ClassPathResource("events/" + name).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException("missing event catalog file " + name, e);
		}
	}
}
