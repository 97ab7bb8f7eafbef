package io.handoff.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mockwebserver3.MockWebServer;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.MemberId;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;

/**
 * What the CRM owner-sync tests do through the API: a local CRM on {@code server} with John (101) and Anita (102) as
 * users, a connection to it, the "Sync chat owner to CRM" template, chats, assignments, and the bot's runs.
 */
record CrmBots(Fixtures.Workspace ws, Api api, MockWebServer server, CustomerService customers, ChatService chats) {

	FakeCrm crm(FakeCrm.Kind kind, String token) {
		FakeCrm crm = new FakeCrm(kind, token);
		crm.users.put("john@company.com", "101");
		crm.users.put("anita@company.com", "102");
		server.setDispatcher(crm);
		return crm;
	}

	String connection(String json) {
		Api.Response created = api.post("/api/v1/connections", json);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	String template(String connection, String ifMissing) {
		Api.Response created = api.post("/api/v1/templates/crm-owner-sync", """
				{"connectionId": "%s", "ifMissing": "%s"}""".formatted(connection, ifMissing));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().at("/webhook/endpoint/ordering").asString()).isEqualTo("per_chat");
		assertThat(created.json().at("/bot/trigger/auth/type").asString()).isEqualTo("standard_webhooks");
		return created.json().at("/bot/id").asString();
	}

	String newChat(String phone) {
		var customer = customers.create(ws.id(), "Customer " + phone, phone);
		return chats.open(ws.id(), ws.support().id(), customer.id()).id().value();
	}

	void assign(String chat, MemberId member) {
		Api.Response response = api.post("/api/v1/chats/" + chat + "/assignment", "{\"memberId\": \"" + member + "\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
	}

	/** The bot's runs, newest first, once at least {@code count} have finished. */
	List<JsonNode> runs(String bot, int count) {
		JsonNode page = Await.value(count + " finished runs of " + bot,
				() -> api.get("/api/v1/bots/" + bot + "/runs?limit=50").json(),
				p -> p.get("data").size() >= count && p.get("data").valueStream()
					.allMatch(r -> r.get("status").asString().equals("succeeded") || r.get("status").asString().equals("failed")));
		return page.get("data").valueStream().toList();
	}

	/** The newest run, once at least {@code count} have finished. */
	JsonNode lastRun(String bot, int count) {
		return runs(bot, count).getFirst();
	}
}
