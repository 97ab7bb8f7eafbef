package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;

/** On Webhook, Capture Response, View Response Data and mapping, through the API and the bot's own URL. */
@IntegrationTest
class BotStudioIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	MutableClock clock;

	@Autowired
	Runner runner;

	Fixtures.Workspace ws;

	Api api;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void aPastRequestBecomesTheSample() {
		JsonNode bot = createBot("Replay", "active");
		String id = bot.get("id").asString();
		String url = bot.at("/trigger/hookUrl").asString();
		assertThat(Hooks.postJson(url, "{\"order\": 1}").status()).isEqualTo(202);
		assertThat(Hooks.postJson(url, "{\"order\": 2}").status()).isEqualTo(202);
		JsonNode runs = Await.value("two runs", () -> api.get("/api/v1/bots/" + id + "/runs").json(),
				page -> page.get("data").size() == 2);
		String first = runs.at("/data/1/requestId").asString();
		assertThat(api.get("/api/v1/bots/" + id + "/sample").status()).isEqualTo(404);

		Api.Response used = api.put("/api/v1/bots/" + id + "/sample", "{\"requestId\": \"" + first + "\"}");
		assertThat(used.status()).as(used.body()).isEqualTo(200);
		assertThat(used.json().at("/request/body/order").asInt()).isEqualTo(1);
		assertThat(api.get("/api/v1/bots/" + id + "/sample").json().at("/request/id").asString()).isEqualTo(first);

		// Another bot's request is not this bot's to use.
		String other = createBot("Other", "draft").get("id").asString();
		Api.Response refused = api.put("/api/v1/bots/" + other + "/sample", "{\"requestId\": \"" + first + "\"}");
		assertThat(refused.status()).isEqualTo(404);
		assertThat(refused.json().at("/errors/0/field").asString()).isEqualTo("requestId");
	}

	@Test
	void aBotHasItsOwnUrlThatCanBeRegenerated() {
		JsonNode bot = createBot("Lead router", "draft");
		String url = bot.at("/trigger/hookUrl").asString();
		assertThat(url).startsWith(api.base() + "/hooks/").hasSizeGreaterThan(api.base().length() + 30);
		assertThat(bot.at("/status").asString()).isEqualTo("draft");

		JsonNode renewed = api.post("/api/v1/bots/" + bot.get("id").asString() + "/hook-url", null).json();
		String newUrl = renewed.at("/trigger/hookUrl").asString();
		assertThat(newUrl).isNotEqualTo(url);
		api.patch("/api/v1/bots/" + bot.get("id").asString(), "{\"status\": \"active\"}");
		assertThat(Hooks.postJson(url, "{}").status()).isEqualTo(404);
		assertThat(Hooks.postJson(newUrl, "{}").status()).isEqualTo(202);
	}

	@Test
	void captureAnswersTheWaitingCallerWhenTheRequestArrivesEvenForADraft() throws Exception {
		JsonNode bot = createBot("Capture", "draft");
		String id = bot.get("id").asString();
		JsonNode started = api.post("/api/v1/bots/" + id + "/capture", null).json();
		assertThat(started.get("status").asString()).isEqualTo("waiting");
		assertThat(started.get("expiresAt").asString()).isNotBlank();

		var executor = Executors.newVirtualThreadPerTaskExecutor();
		CompletableFuture<Api.Response> waiting = CompletableFuture
			.supplyAsync(() -> api.get("/api/v1/bots/" + id + "/capture?wait=30"), executor);
		Thread.sleep(300);
		assertThat(waiting).isNotDone();

		Api.Response accepted = Hooks.postJson(bot.at("/trigger/hookUrl").asString(),
				"{\"data\": {\"customerPhone\": \"+919111222333\"}}");
		assertThat(accepted.status()).isEqualTo(202);
		assertThat(accepted.json().get("captured").asBoolean()).isTrue();
		assertThat(accepted.json().get("runId").isNull()).as("a draft does not run").isTrue();

		JsonNode capture = waiting.get().json();
		assertThat(capture.get("status").asString()).isEqualTo("captured");
		assertThat(capture.at("/sample/body/data/customerPhone").asString()).isEqualTo("+919111222333");
		assertThat(capture.at("/sample/method").asString()).isEqualTo("POST");

		// The capture took one request; the next one finds a draft that is no longer listening.
		Api.Response next = Hooks.postJson(bot.at("/trigger/hookUrl").asString(), "{}");
		assertThat(next.status()).isEqualTo(409);
		assertThat(next.json().get("code").asString()).isEqualTo("bot_not_active");
		executor.close();
	}

	@Test
	void aRequestAfterTheWindowIsNotCaptured() {
		JsonNode bot = createBot("Late", "draft");
		String id = bot.get("id").asString();
		api.post("/api/v1/bots/" + id + "/capture", null);
		clock.advance(Duration.ofMinutes(2).plusSeconds(1));

		assertThat(api.get("/api/v1/bots/" + id + "/capture").json().get("status").asString()).isEqualTo("expired");
		Api.Response late = Hooks.postJson(bot.at("/trigger/hookUrl").asString(), "{\"late\": true}");
		assertThat(late.status()).isEqualTo(409);
		Api.Response sample = api.get("/api/v1/bots/" + id + "/sample");
		assertThat(sample.status()).isEqualTo(404);
		assertThat(sample.json().get("code").asString()).isEqualTo("no_sample");
	}

	@Test
	void viewResponseDataForJsonFormAndRawBodies() {
		JsonNode bot = createBot("Viewer", "draft");
		String id = bot.get("id").asString();
		String url = bot.at("/trigger/hookUrl").asString();

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.send("POST", url + "?source=crm&tag=a&tag=b&token=abcdefghijklmnopqrstuvwxyz", "application/json",
				"""
						{"data": {"customerPhone": "+919111222333", "items": [{"sku": "A-1"}], "vip": true, "score": 7}}"""
					.getBytes(StandardCharsets.UTF_8),
				Map.of("Authorization", "Bearer sk_live_0123456789abcdefghijWXYZ", "X-Request-Source", "crm"));
		JsonNode json = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(json.at("/request/method").asString()).isEqualTo("POST");
		assertThat(json.at("/request/headers/x-request-source").asString()).isEqualTo("crm");
		assertThat(json.at("/request/headers/authorization").asString()).isEqualTo("Bearer ••••WXYZ");
		assertThat(json.toString()).doesNotContain("sk_live_0123456789").doesNotContain("abcdefghijklmnop");
		assertThat(json.at("/request/query/source").asString()).isEqualTo("crm");
		assertThat(json.at("/request/query/tag/1").asString()).isEqualTo("b");
		assertThat(json.at("/request/body/data/items/0/sku").asString()).isEqualTo("A-1");
		assertThat(json.at("/request/sourceIp").asString()).isNotBlank();
		assertThat(json.at("/request/receivedAt").asString()).endsWith("Z");
		assertThat(json.get("fields").valueStream().map(f -> f.get("pointer").asString()))
			.contains("/body/data/customerPhone", "/body/data/items/0/sku", "/body/data/vip", "/query/source",
					"/headers/x-request-source", "/method");
		JsonNode phone = json.get("fields")
			.valueStream()
			.filter(f -> f.get("pointer").asString().equals("/body/data/customerPhone"))
			.findFirst()
			.orElseThrow();
		assertThat(phone.get("jsonPath").asString()).isEqualTo("$.body.data.customerPhone");
		assertThat(phone.get("type").asString()).isEqualTo("text");
		assertThat(phone.get("example").asString()).isEqualTo("+919111222333");

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.send("PUT", url, "application/x-www-form-urlencoded",
				"name=Rohan+Mehta&phone=%2B919111222333&tag=x&tag=y".getBytes(StandardCharsets.UTF_8), Map.of());
		JsonNode form = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(form.at("/request/method").asString()).isEqualTo("PUT");
		assertThat(form.at("/request/body/name").asString()).isEqualTo("Rohan Mehta");
		assertThat(form.at("/request/body/phone").asString()).isEqualTo("+919111222333");
		assertThat(form.at("/request/body/tag/1").asString()).isEqualTo("y");

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.send("POST", url, "text/plain", "just words".getBytes(StandardCharsets.UTF_8), Map.of());
		JsonNode raw = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(raw.at("/request/body").asString()).isEqualTo("just words");
		assertThat(raw.at("/request/bodyEncoding").asString()).isEqualTo("utf8");

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.send("POST", url, "application/octet-stream", new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1 }, Map.of());
		JsonNode binary = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(binary.at("/request/bodyEncoding").asString()).isEqualTo("base64");
		assertThat(binary.at("/request/body").asString()).isEqualTo("//4AAQ==");

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.send("GET", url + "?ping=1", null, null, Map.of());
		JsonNode get = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(get.at("/request/method").asString()).isEqualTo("GET");
		assertThat(get.at("/request/body").isNull()).isTrue();
	}

	@Test
	void malformedAndOversizeBodiesAreRefusedWithClearErrors() {
		JsonNode bot = createBot("Strict", "active");
		String url = bot.at("/trigger/hookUrl").asString();

		Api.Response malformed = Hooks.postJson(url, "{\"data\": ");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.contentType()).startsWith("application/problem+json");
		assertThat(malformed.json().at("/errors/0/field").asString()).isEqualTo("body");
		assertThat(malformed.json().at("/errors/0/message").asString()).contains("not valid JSON");

		byte[] big = ("{\"pad\": \"" + "x".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
		Api.Response oversize = Hooks.send("POST", url, "application/json", big, Map.of());
		assertThat(oversize.status()).isEqualTo(413);
		assertThat(oversize.contentType()).startsWith("application/problem+json");

		String id = bot.get("id").asString();
		assertThat(api.get("/api/v1/bots/" + id + "/runs").json().get("data").size())
			.as("nothing refused is stored or run").isZero();
	}

	@Test
	void mappingWithPresentMissingAndWrongTypedFields() {
		JsonNode bot = createBot("Mapper", "draft");
		String id = bot.get("id").asString();
		Api.Response saved = api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "customerNumber", "path": "$.body.data.customerPhone", "transforms": ["trim", "e164"]},
				 {"name": "agentName", "path": "/body/data/assignedUserName", "transforms": ["uppercase"]},
				 {"name": "agentEmail", "path": "/body/data/assignedUserEmail", "defaultValue": "nobody@acme.example"},
				 {"name": "businessNumber", "path": "/body/data/wabaNumber"},
				 {"name": "customer", "path": "/body/data/customer", "type": "text"},
				 {"name": "score", "path": "/body/data/score", "type": "number"},
				 {"name": "vip", "path": "/body/data/vip", "type": "boolean"}]""");
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
		assertThat(saved.json().at("/variables/0/path").asString()).as("JSONPath is stored as a pointer")
			.isEqualTo("/body/data/customerPhone");

		api.post("/api/v1/bots/" + id + "/capture", null);
		Hooks.postJson(bot.at("/trigger/hookUrl").asString(), """
				{"data": {"customerPhone": " 919111222333 ", "assignedUserName": "John Doe", "wabaNumber": "+919000000000",
				          "customer": {"name": "Rohan"}, "score": "not a number", "vip": "yes"}}""");
		JsonNode view = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(view.at("/variables/customerNumber").asString()).isEqualTo("+919111222333");
		assertThat(view.at("/variables/agentName").asString()).isEqualTo("JOHN DOE");
		assertThat(view.at("/variables/agentEmail").asString()).as("missing, so the default")
			.isEqualTo("nobody@acme.example");
		assertThat(view.at("/variables/businessNumber").asString()).isEqualTo("+919000000000");
		assertThat(view.at("/variables/customer").isNull()).as("an object where text was expected").isTrue();
		assertThat(view.at("/variables/score").isNull()).isTrue();
		assertThat(view.at("/variables/vip").asBoolean()).isTrue();
		assertThat(view.get("mappingProblems").valueStream().map(p -> p.get("variable").asString()))
			.as("a default value is not a problem").containsExactlyInAnyOrder("customer", "score");
		assertThat(view.get("mappingProblems").valueStream()
			.filter(p -> p.get("variable").asString().equals("score"))
			.findFirst()
			.orElseThrow()
			.get("message")
			.asString()).contains("expected a number");
	}

	@Test
	void aRequiredVariableThatIsMissingFailsTheRunWithoutACrash() {
		JsonNode bot = createBot("Required", "active");
		String id = bot.get("id").asString();
		api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "customerNumber", "path": "/body/data/customerPhone", "required": true, "transforms": ["e164"]}]""");
		String url = bot.at("/trigger/hookUrl").asString();

		String missing = Hooks.postJson(url, "{\"data\": {}}").json().get("runId").asString();
		String wrong = Hooks.postJson(url, "{\"data\": {\"customerPhone\": [1, 2]}}").json().get("runId").asString();
		String notAPhone = Hooks.postJson(url, "{\"data\": {\"customerPhone\": \"call me\"}}").json().get("runId").asString();
		String fine = Hooks.postJson(url, "{\"data\": {\"customerPhone\": \"+919111222333\"}}").json().get("runId").asString();

		assertThat(finished(id, missing).get("error").asString()).contains("customerNumber").contains("no value");
		assertThat(finished(id, wrong).get("error").asString()).contains("expected text");
		assertThat(finished(id, notAPhone).get("error").asString()).contains("not a phone number");
		JsonNode ok = finished(id, fine);
		assertThat(ok.get("status").asString()).isEqualTo("succeeded");
		assertThat(ok.at("/variables/customerNumber").asString()).isEqualTo("+919111222333");
	}

	@Test
	void badMappingsAndStepsAreRefusedNamingTheField() {
		String id = createBot("Bad", "draft").get("id").asString();
		Api.Response badPath = api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "ok", "path": "/body/a"}, {"name": "x", "path": "$..all[*]"}]""");
		assertThat(badPath.status()).isEqualTo(400);
		assertThat(badPath.json().at("/errors/0/field").asString()).isEqualTo("variables[1].path");

		Api.Response duplicate = api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "a", "path": "/body/a"}, {"name": "a", "path": "/body/b"}]""");
		assertThat(duplicate.json().at("/errors/0/field").asString()).isEqualTo("variables[1].name");

		Api.Response badStep = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "assign_agent", "config": {"strategy": "round_robin", "pool": []}}]""");
		assertThat(badStep.status()).isEqualTo(400);
		assertThat(badStep.json().at("/errors/0/field").asString()).isEqualTo("steps[0].config.pool");

		Api.Response unknown = api.put("/api/v1/bots/" + id + "/steps", "[{\"type\": \"teleport\"}]");
		assertThat(unknown.json().at("/errors/0/field").asString()).isEqualTo("steps[0].type");

		Api.Response foreign = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "assign_agent", "config": {"strategy": "member", "memberId": "usr_00000000000000000000000000"}}]""");
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(foreign.json().at("/errors/0/field").asString()).isEqualTo("steps[0].config.memberId");

		assertThat(api.get("/api/v1/bots/" + id).json().get("steps").size()).as("nothing half-written").isZero();
	}

	@Test
	void aBotReceivesHandoffsOwnChatAssignedWebhookAndMapsTheUseCaseFields() {
		JsonNode bot = createBot("CRM owner sync", "draft");
		String id = bot.get("id").asString();
		String url = bot.at("/trigger/hookUrl").asString();
		Api.Response endpoint = api.post("/api/v1/webhooks", """
				{"name": "Bot Studio", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(url));
		assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
		String secret = endpoint.json().get("secret").asString();
		// The bot checks the Standard Webhooks signature with the endpoint's own secret.
		Api.Response secured = api.patch("/api/v1/bots/" + id, """
				{"auth": "standard_webhooks", "secret": "%s", "status": "active"}""".formatted(secret));
		assertThat(secured.status()).as(secured.body()).isEqualTo(200);
		assertThat(secured.body()).doesNotContain(secret);
		api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "customerNumber", "path": "/body/data/customerPhone", "required": true},
				 {"name": "agentName", "path": "/body/data/assignedUserName"},
				 {"name": "agentEmail", "path": "/body/data/assignedUserEmail"},
				 {"name": "agentPhone", "path": "/body/data/assignedUserPhone"},
				 {"name": "businessNumber", "path": "/body/data/wabaNumber"}]""");
		api.post("/api/v1/bots/" + id + "/capture", null);

		assertThat(api.post("/api/v1/chats/" + ws.chat().id() + "/assignment",
				"{\"memberId\": \"" + ws.john().id() + "\"}").status()).isEqualTo(200);

		JsonNode capture = api.get("/api/v1/bots/" + id + "/capture?wait=30").json();
		assertThat(capture.get("status").asString()).as(capture.toString()).isEqualTo("captured");
		JsonNode sample = api.get("/api/v1/bots/" + id + "/sample").json();
		assertThat(sample.at("/request/headers/webhook-id").asString()).startsWith("evt_");
		assertThat(sample.at("/variables/customerNumber").asString()).isEqualTo("+919111222333");
		assertThat(sample.at("/variables/agentName").asString()).isEqualTo("John Doe");
		assertThat(sample.at("/variables/agentEmail").asString()).isEqualTo("john@company.com");
		assertThat(sample.at("/variables/agentPhone").asString()).isEqualTo("+919876543210");
		assertThat(sample.at("/variables/businessNumber").asString()).isEqualTo("+919000000000");

		JsonNode run = Await.value("the bot's run", () -> api.get("/api/v1/bots/" + id + "/runs").json().at("/data/0"),
				r -> r.has("status") && r.get("status").asString().equals("succeeded"));
		assertThat(run.at("/variables/agentEmail").asString()).isEqualTo("john@company.com");

		// A request without the signature is turned away.
		Api.Response unsigned = Hooks.postJson(url, "{\"data\": {}}");
		assertThat(unsigned.status()).isEqualTo(401);
		assertThat(unsigned.json().get("code").asString()).isEqualTo("invalid_signature");
	}

	@Test
	void aSharedHeaderSecretIsChecked() {
		JsonNode bot = createBot("Header", "active");
		String id = bot.get("id").asString();
		Api.Response missingSecret = api.patch("/api/v1/bots/" + id, "{\"auth\": \"header\", \"authHeader\": \"X-Token\"}");
		assertThat(missingSecret.status()).isEqualTo(400);
		assertThat(missingSecret.json().at("/errors/0/field").asString()).isEqualTo("secret");
		api.patch("/api/v1/bots/" + id, "{\"auth\": \"header\", \"authHeader\": \"X-Token\", \"secret\": \"s3cret-value\"}");
		String url = bot.at("/trigger/hookUrl").asString();
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		assertThat(Hooks.send("POST", url, "application/json", body, Map.of("X-Token", "wrong-value")).status()).isEqualTo(401);
		assertThat(Hooks.send("POST", url, "application/json", body, Map.of()).status()).isEqualTo(401);
		Api.Response ok = Hooks.send("POST", url, "application/json", body, Map.of("X-Token", "s3cret-value"));
		assertThat(ok.status()).isEqualTo(202);
		JsonNode run = api.get("/api/v1/bots/" + id + "/runs/" + ok.json().get("runId").asString()).json();
		assertThat(run.at("/input/headers/x-token").asString()).isEqualTo("••••");
	}

	@Test
	void teamMembersCannotManageBots() {
		String key = api.post("/api/v1/api-keys", "{\"name\": \"Rahul\", \"memberId\": \"" + ws.rahul().id() + "\"}")
			.json()
			.get("key")
			.asString();
		Api rahul = api.withKey(key);
		assertThat(rahul.post("/api/v1/bots", "{\"name\": \"Mine\"}").status()).isEqualTo(403);
		String id = createBot("Theirs", "draft").get("id").asString();
		assertThat(rahul.get("/api/v1/bots/" + id).status()).isEqualTo(403);
		assertThat(rahul.get("/api/v1/bots/" + id + "/sample").status()).isEqualTo(403);
	}

	@Test
	void anotherWorkspaceCannotSeeTheBot() {
		String id = createBot("Private", "draft").get("id").asString();
		Api other = fixtures.workspace().api();
		assertThat(other.get("/api/v1/bots/" + id).status()).isEqualTo(404);
		assertThat(other.get("/api/v1/bots/" + id + "/runs").status()).isEqualTo(404);
	}

	JsonNode createBot(String name, String status) {
		Api.Response created = api.post("/api/v1/bots", """
				{"name": "%s", "trigger": "webhook", "status": "%s"}""".formatted(name, status));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	JsonNode finished(String bot, String run) {
		return Await.value("run " + run + " to finish", () -> api.get("/api/v1/bots/" + bot + "/runs/" + run).json(),
				r -> r.get("status").asString().equals("succeeded") || r.get("status").asString().equals("failed"));
	}
}
