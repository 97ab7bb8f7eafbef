package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * The WhatsApp Cloud API webhook: Meta's verification handshake, signed notifications in Meta's shape, and an On
 * Incoming Message bot that assigns the new chat.
 */
@IntegrationTest
class WhatsAppIT {

	static final String APP_SECRET = "d9f1c2a7b3e84f05a6c1d2e3f4a5b6c7";

	@Autowired
	Fixtures fixtures;

	Fixtures.Workspace ws;

	Api api;

	String phoneNumberId;

	String callback;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
		phoneNumberId = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000_000L, 999_999_999_999_999L));
		assertThat(api.patch("/api/v1/business-numbers/" + ws.support().id(),
				"{\"phoneNumberId\": \"" + phoneNumberId + "\"}").status()).isEqualTo(200);
		Api.Response channel = api.put("/api/v1/channels/whatsapp", """
				{"appSecret": "%s", "verifyToken": "handoff-verify-123"}""".formatted(APP_SECRET));
		assertThat(channel.status()).as(channel.body()).isEqualTo(200);
		assertThat(channel.body()).doesNotContain(APP_SECRET).doesNotContain("handoff-verify-123");
		callback = api.base() + channel.json().get("callbackPath").asString();
	}

	@Test
	void answersMetasVerificationHandshake() {
		Api.Response ok = Hooks.send("GET",
				callback + "?hub.mode=subscribe&hub.verify_token=handoff-verify-123&hub.challenge=1158201444", null, null,
				Map.of());
		assertThat(ok.status()).isEqualTo(200);
		assertThat(ok.body()).isEqualTo("1158201444");

		Api.Response wrong = Hooks.send("GET",
				callback + "?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", null, null, Map.of());
		assertThat(wrong.status()).isEqualTo(403);
		assertThat(wrong.body()).doesNotContain("1158201444");
	}

	@Test
	void aBadSignatureIsRejectedAndNothingIsStored() {
		byte[] body = notification("wamid.bad1", "919812300001", "Meera", "hello").getBytes(StandardCharsets.UTF_8);
		Api.Response unsigned = Hooks.send("POST", callback, "application/json", body, Map.of());
		assertThat(unsigned.status()).isEqualTo(401);
		Api.Response forged = Hooks.send("POST", callback, "application/json", body,
				Map.of("X-Hub-Signature-256", "sha256=" + sign("not-the-secret", body)));
		assertThat(forged.status()).isEqualTo(401);
		assertThat(forged.json().get("code").asString()).isEqualTo("invalid_signature");
		assertThat(api.get("/api/v1/customers").body()).doesNotContain("+919812300001");
	}

	@Test
	void anIncomingMessageCreatesTheChatAndARoundRobinBotAssignsIt() {
		JsonNode bot = api.post("/api/v1/bots", """
				{"name": "Front desk", "trigger": "incoming_message", "status": "active", "businessNumberIds": ["%s"]}"""
			.formatted(ws.support().id())).json();
		String botId = bot.get("id").asString();
		assertThat(bot.at("/trigger/hookUrl").isNull()).isTrue();
		api.put("/api/v1/bots/" + botId + "/variables", """
				[{"name": "text", "path": "/message/text"}, {"name": "customerNumber", "path": "/customer/phone"}]""");
		Api.Response steps = api.put("/api/v1/bots/" + botId + "/steps", """
				[{"type": "assign_agent", "config": {"strategy": "round_robin", "pool": ["%s", "%s"]}}]"""
			.formatted(ws.john().id(), ws.rahul().id()));
		assertThat(steps.status()).as(steps.body()).isEqualTo(200);

		byte[] body = notification("wamid.HBgM001", "919812300002", "Meera Iyer", "I want to buy the blue one")
			.getBytes(StandardCharsets.UTF_8);
		Api.Response received = Hooks.send("POST", callback, "application/json", body,
				Map.of("X-Hub-Signature-256", "sha256=" + sign(APP_SECRET, body)));
		assertThat(received.status()).as(received.body()).isEqualTo(200);
		assertThat(received.json().get("stored").asInt()).isEqualTo(1);

		JsonNode customer = api.get("/api/v1/customers").json().get("data").valueStream()
			.filter(c -> c.get("phone").asString().equals("+919812300002"))
			.findFirst()
			.orElseThrow();
		assertThat(customer.get("name").asString()).isEqualTo("Meera Iyer");

		JsonNode event = Await.value("chat.assigned by the bot",
				() -> api.get("/api/v1/events?type=chat.assigned").json().get("data").valueStream()
					.filter(e -> e.at("/payload/data/customerPhone").asString("").equals("+919812300002"))
					.findFirst(),
				java.util.Optional::isPresent).orElseThrow();
		assertThat(event.at("/payload/data/assignment/source").asString()).isEqualTo("bot_workflow");
		assertThat(event.at("/payload/data/assignment/botId").asString()).isEqualTo(botId);
		assertThat(event.at("/payload/data/assignedUserId").asString()).isEqualTo(ws.john().id().value());

		JsonNode run = api.get("/api/v1/bots/" + botId + "/runs").json().at("/data/0");
		assertThat(run.get("trigger").asString()).isEqualTo("incoming_message");
		assertThat(run.at("/variables/text").asString()).isEqualTo("I want to buy the blue one");

		// Meta sends the same notification again: nothing new is stored and the bot does not run twice.
		Api.Response again = Hooks.send("POST", callback, "application/json", body,
				Map.of("X-Hub-Signature-256", "sha256=" + sign(APP_SECRET, body)));
		assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);
		assertThat(api.get("/api/v1/bots/" + botId + "/runs").json().get("data").size()).isEqualTo(1);

		// A second customer's message goes to the next member in turn.
		byte[] second = notification("wamid.HBgM002", "919812300003", "Kabir", "hi").getBytes(StandardCharsets.UTF_8);
		Hooks.send("POST", callback, "application/json", second,
				Map.of("X-Hub-Signature-256", "sha256=" + sign(APP_SECRET, second)));
		Await.until("the second chat to be assigned", () -> api.get("/api/v1/events?type=chat.assigned").json()
			.get("data").valueStream()
			.anyMatch(e -> e.at("/payload/data/customerPhone").asString("").equals("+919812300003")
					&& e.at("/payload/data/assignedUserId").asString("").equals(ws.rahul().id().value())));
	}

	@Test
	void messagesForAnUnknownNumberAreSkippedAndMalformedBodiesRefused() {
		byte[] body = notification("wamid.X", "919812300004", "Zoya", "hey").replace(phoneNumberId, "111")
			.getBytes(StandardCharsets.UTF_8);
		Api.Response skipped = Hooks.send("POST", callback, "application/json", body,
				Map.of("X-Hub-Signature-256", "sha256=" + sign(APP_SECRET, body)));
		assertThat(skipped.status()).isEqualTo(200);
		assertThat(skipped.json().get("skipped").asInt()).isEqualTo(1);

		byte[] broken = "{\"object\": ".getBytes(StandardCharsets.UTF_8);
		Api.Response malformed = Hooks.send("POST", callback, "application/json", broken,
				Map.of("X-Hub-Signature-256", "sha256=" + sign(APP_SECRET, broken)));
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.json().at("/errors/0/field").asString()).isEqualTo("body");
	}

	String notification(String messageId, String from, String name, String text) {
		return io.handoff.support.WhatsAppNotifications.textMessage(phoneNumberId, messageId, from, name, text);
	}

	static String sign(String secret, byte[] body) {
		return io.handoff.support.WhatsAppNotifications.signature(secret, body).substring("sha256=".length());
	}
}
