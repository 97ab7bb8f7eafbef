package io.handoff.support;

import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;

/** Validates payloads against the JSON Schemas Handoff serves at {@code GET /api/v1/event-types}. */
public final class Schemas {

	private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private Schemas() {
	}

	/** The schema of {@code type}, as the running application serves it. */
	public static Schema served(Api api, String type) {
		for (JsonNode entry : api.get("/api/v1/event-types").json().get("data")) {
			if (entry.get("type").asString().equals(type)) {
				return REGISTRY.getSchema(entry.get("schema"));
			}
		}
		throw new AssertionError("no event type " + type + " in the catalog");
	}

	public static List<String> errors(Schema schema, JsonNode payload) {
		return schema.validate(payload).stream().map(Error::toString).toList();
	}
}
