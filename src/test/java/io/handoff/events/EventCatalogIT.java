package io.handoff.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.ChatService;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.Schemas;

/** The catalog's schemas describe the payloads Handoff really records, and they are strict enough to matter. */
@IntegrationTest
class EventCatalogIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	Fixtures.Workspace ws;

	@BeforeEach
	void workspace() {
		ws = fixtures.workspace();
	}

	@Test
	void servesEveryTypeWithSchemaAndExample() {
		JsonNode types = ws.api().get("/api/v1/event-types").json().get("data");

		assertThat(types).extracting(t -> t.get("type").asString())
			.containsExactly("chat.assigned", "chat.unassigned", "chat.resolved", "chat.reopened", "endpoint.disabled",
					"delivery.exhausted");
		assertThat(types.get(0).get("title").asString()).isEqualTo("Chat Assigned to Agent");
		for (JsonNode type : types) {
			assertThat(type.get("description").asString()).isNotBlank();
			assertThat(Schemas.errors(Schemas.served(ws.api(), type.get("type").asString()), type.get("example")))
				.as(type.get("type").asString())
				.isEmpty();
		}
	}

	@Test
	void realPayloadsMatchTheirSchemas() {
		var lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), lead);
		chats.assign(ws.id(), ws.chat().id(), ws.rahul().id(), ChatService.Origin.botWorkflow("bot_1", "Router"));
		chats.assign(ws.id(), ws.chat().id(), ws.anita().id(), ChatService.Origin.aiBot("bot_2", "Triage"));
		ws.api().post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
				{"memberId": "%s"}""".formatted(ws.john().id()));
		chats.unassign(ws.id(), ws.chat().id(), lead);
		// Resolved and reopened, through the API: the chat's sequence moves on, so its events keep one order.
		assertThat(ws.api().patch("/api/v1/chats/" + ws.chat().id(), "{\"status\": \"closed\"}").status()).isEqualTo(200);
		assertThat(ws.api().patch("/api/v1/chats/" + ws.chat().id(), "{\"status\": \"open\"}").status()).isEqualTo(200);

		JsonNode events = ws.api().get("/api/v1/events").json().get("data");
		assertThat(events).hasSize(7);
		assertThat(events.valueStream().map(e -> e.get("type").asString())).startsWith("chat.reopened", "chat.resolved",
				"chat.unassigned");
		assertThat(events.valueStream().map(e -> e.get("sequence").asLong())).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
		JsonNode resolved = events.get(1).get("payload").get("data");
		assertThat(resolved.get("status").asString()).isEqualTo("closed");
		assertThat(resolved.at("/message/text").asString()).isEqualTo("Test key resolved the chat");
		assertThat(resolved.get("assignee").isNull()).isTrue();
		for (JsonNode event : events) {
			JsonNode payload = event.get("payload");
			assertThat(Schemas.errors(Schemas.served(ws.api(), payload.get("type").asString()), payload))
				.as(payload.toString())
				.isEmpty();
		}
	}

	@Test
	void schemasRejectPayloadsThatDriftFromTheContract() {
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(),
				ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));
		JsonNode payload = ws.api().get("/api/v1/events").json().at("/data/0/payload");
		var schema = Schemas.served(ws.api(), "chat.assigned");

		ObjectNode missing = (ObjectNode) payload.deepCopy();
		((ObjectNode) missing.get("data")).remove("customerPhone");
		ObjectNode extra = (ObjectNode) payload.deepCopy();
		((ObjectNode) extra.get("data")).put("surprise", 1);
		ObjectNode badSource = (ObjectNode) payload.deepCopy();
		((ObjectNode) badSource.at("/data/assignment")).put("source", "magic");
		ObjectNode badPhone = (ObjectNode) payload.deepCopy();
		((ObjectNode) badPhone.get("data")).put("customerPhone", "9111222333");

		assertThat(Schemas.errors(schema, missing)).isNotEmpty();
		assertThat(Schemas.errors(schema, extra)).isNotEmpty();
		assertThat(Schemas.errors(schema, badSource)).isNotEmpty();
		assertThat(Schemas.errors(schema, badPhone)).isNotEmpty();
	}
}
