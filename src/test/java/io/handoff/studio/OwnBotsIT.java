package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.FreshDatabase;
import io.handoff.support.NodeProcess;

/**
 * The help article's central step on an instance started exactly as the README says (the demo, nothing else, so the
 * URL guard refuses this machine's addresses): a webhook to one of the workspace's own bots is accepted and
 * delivered to the bot directly, signed and logged like any other.
 */
class OwnBotsIT {

	@TempDir
	Path dir;

	@Test
	void aWebhookToTheWorkspacesOwnBotIsDeliveredWithoutOpeningPrivateNetworks() {
		try (NodeProcess node = NodeProcess.start("readme", FreshDatabase.create("ownbots"), dir, "--handoff.demo=true",
				"--handoff.webhooks.allowed-networks=")) {
			Api api = new Api(node.baseUrl(), node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Lead owner sync\", \"trigger\": \"webhook\"}").json();
			String hookUrl = bot.at("/trigger/hookUrl").asString();
			assertThat(hookUrl).startsWith(node.baseUrl() + "/hooks/");
			api.post("/api/v1/bots/" + bot.get("id").asString() + "/capture", null);

			// Any other address on this machine is still refused, in words that say what to do.
			Api.Response refused = api.post("/api/v1/webhooks", """
					{"name": "Local", "url": "%s/somewhere", "eventTypes": ["chat.assigned"]}""".formatted(node.baseUrl()));
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo("url");
			assertThat(refused.json().get("detail").asString()).contains("loopback")
				.contains("public URL").contains("handoff.webhooks.allowed-networks");

			Api.Response created = api.post("/api/v1/webhooks", """
					{"name": "To my bot", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(hookUrl));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			String endpoint = created.json().at("/endpoint/id").asString();

			String chat = api.get("/api/v1/chats?unassigned=true&limit=1").json().at("/data/0/id").asString();
			assertThat(api.post("/api/v1/chats/" + chat + "/assignment", "{\"memberEmail\": \"john@acme.example\"}")
				.status()).isEqualTo(200);

			// Capture Response caught it: View Response Data shows the customer and the agent.
			JsonNode sample = Await.value("the bot's sample", () -> api.get("/api/v1/bots/" + bot.get("id").asString()
					+ "/sample"), r -> r.status() == 200).json();
			assertThat(sample.at("/request/body/data/chatId").asString()).isEqualTo(chat);
			assertThat(sample.at("/request/body/data/assignedUserEmail").asString()).isEqualTo("john@acme.example");
			assertThat(sample.at("/request/headers/webhook-signature").asString()).isNotBlank();

			// The delivery log shows the try like any other: the bot's answer, 202.
			JsonNode delivery = Await.value("the delivery succeeded",
					() -> api.get("/api/v1/deliveries?endpointId=" + endpoint).json().at("/data/0"),
					d -> !d.isMissingNode() && d.get("status").asString().equals("succeeded"));
			JsonNode attempt = api.get("/api/v1/deliveries/" + delivery.get("id").asString()).json().at("/attemptLog/0");
			assertThat(attempt.get("status").asInt()).isEqualTo(202);
			assertThat(attempt.get("responseBody").asString()).contains("requestId");

			// The CRM template makes the same kind of webhook to its bot, so it works on a fresh install too.
			String connection = api.post("/api/v1/connections", """
					{"type": "hubspot", "name": "HubSpot", "secrets": {"token": "pat-na1-00000000"}}""").json()
				.get("id").asString();
			Api.Response template = api.post("/api/v1/templates/crm-owner-sync",
					"{\"connectionId\": \"" + connection + "\"}");
			assertThat(template.status()).as(template.body()).isEqualTo(201);
		}
	}
}
