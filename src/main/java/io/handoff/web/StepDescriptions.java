package io.handoff.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.handoff.connectors.Connection;
import io.handoff.inbox.Member;
import io.handoff.studio.Step;

/** A bot's steps in words for the console: a title and one line each, with names where the settings hold ids. */
final class StepDescriptions {

	private final Map<String, String> memberNames = new LinkedHashMap<>();
	private final Map<String, String> connectionNames = new LinkedHashMap<>();

	StepDescriptions(List<Member> members, List<Connection> connections) {
		members.forEach(m -> memberNames.put(m.id().value(), m.name()));
		connections.forEach(c -> connectionNames.put(c.id(), c.name()));
	}

	static String title(Step step) {
		return title(step.type(), step.name());
	}

	/** A step's name if it has one, else what its type does. */
	static String title(String type, String name) {
		if (name != null && !name.isBlank()) {
			return name;
		}
		return switch (type) {
			case "assign_agent" -> "Assign Agent";
			case "http_request" -> "HTTP Request";
			case "crm_set_owner" -> "CRM: set the lead owner";
			case "google_sheets_append" -> "Google Sheets: append a row";
			case "ai_bot" -> "AI bot";
			default -> type;
		};
	}

	String summary(Step step) {
		JsonNode c = step.config();
		return switch (step.type()) {
			case "assign_agent" -> assignment(c);
			case "http_request" -> c.path("method").asString("POST") + " " + c.path("url").asString("");
			case "crm_set_owner" -> "In " + connection(c) + ", the chat's agent becomes the owner of the customer's record;"
					+ (c.path("ifMissing").asString("skip").equals("create") ? " a missing record is created"
							: " a customer without a record is skipped");
			case "google_sheets_append" -> "Appends " + c.path("columns").size() + " columns to "
					+ c.path("range").asString("Sheet1") + " with " + connection(c);
			case "ai_bot" -> {
				List<String> intents = new ArrayList<>();
				c.path("intents").forEach(i -> intents.add(i.path("name").asString()));
				yield "Decides among " + String.join(", ", intents) + " and hands the chat off";
			}
			default -> "";
		};
	}

	private String assignment(JsonNode c) {
		String online = c.path("onlineOnly").asBoolean(false) ? " (online members only)" : "";
		return switch (c.path("strategy").asString("round_robin")) {
			case "member" -> "To " + memberNames.getOrDefault(c.path("memberId").asString(), "a removed member") + online;
			case "least_busy" -> "To the least busy of " + pool(c) + online;
			default -> "In turn over " + pool(c) + online;
		};
	}

	private String pool(JsonNode c) {
		List<String> names = new ArrayList<>();
		c.path("pool").forEach(id -> names.add(memberNames.getOrDefault(id.asString(), "a removed member")));
		return names.isEmpty() ? "everyone with a role on the chat's number" : String.join(", ", names);
	}

	private String connection(JsonNode c) {
		return connectionNames.getOrDefault(c.path("connectionId").asString(), "a deleted connection");
	}

	static String json(JsonMapper json, Step step) {
		return json.writerWithDefaultPrettyPrinter().writeValueAsString(step.config());
	}
}
