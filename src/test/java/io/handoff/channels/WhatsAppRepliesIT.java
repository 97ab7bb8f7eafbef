package io.handoff.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.GraphServer;
import io.handoff.support.IntegrationTest;
import io.handoff.support.WhatsAppNotifications;

/**
 * Replies over the WhatsApp Cloud API against a local server that speaks the Graph API's paths, headers, bodies and
 * error codes: text inside the 24-hour window, a template outside it, statuses from Meta's webhook in any order, a
 * failure shown in plain words, transient failures retried into one message, and a repeated submit sent once.
 */
@IntegrationTest
class WhatsAppRepliesIT {

	static final String APP_SECRET = "5c1d2e3f4a5b6c7d9f1c2a7b3e84f05a";

	static final String TOKEN = "EAAGm0PX4ZCpsBAtestTOKEN";

	static final String WABA = "102290129340398";

	static final HttpClient HTTP = HttpClient.newHttpClient();

	@Autowired
	Fixtures fixtures;

	@Autowired
	JdbcClient jdbc;

	Fixtures.Workspace ws;

	Api api;

	GraphServer graph;

	String phoneNumberId;

	String callback;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		graph = new GraphServer();
		phoneNumberId = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000_000L, 999_999_999_999_999L));
		assertThat(api.patch("/api/v1/business-numbers/" + ws.support().id(),
				"{\"phoneNumberId\": \"" + phoneNumberId + "\"}").status()).isEqualTo(200);
		callback = api.base() + api.put("/api/v1/channels/whatsapp", """
				{"appSecret": "%s", "verifyToken": "handoff-verify-123"}""".formatted(APP_SECRET)).json()
			.get("callbackPath").asString();
		Api.Response connection = api.post("/api/v1/connections", """
				{"type": "whatsapp_cloud", "name": "WhatsApp Support",
				 "settings": {"phoneNumberId": "%s", "businessAccountId": "%s", "baseUrl": "%s"},
				 "secrets": {"accessToken": "%s"}}""".formatted(phoneNumberId, WABA, graph.baseUrl(), TOKEN));
		assertThat(connection.status()).as(connection.body()).isEqualTo(201);
		assertThat(connection.body()).doesNotContain(TOKEN);
		assertThat(connection.json().at("/settings/apiVersion").asString()).isEqualTo("v23.0");
	}

	@AfterEach
	void tearDown() {
		graph.close();
	}

	@Test
	void textInsideTheWindowIsSentAsMetaExpectsAndMarkedSent() {
		String chat = customerWrites("919812340001", "Meera", "Is my order shipped?", Instant.now());

		Api.Response composer = api.get("/api/v1/chats/" + chat + "/composer");
		assertThat(composer.json().get("connected").asBoolean()).isTrue();
		assertThat(composer.json().get("windowOpen").asBoolean()).isTrue();

		Api.Response sent = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"Yes, it left today.\"}");
		assertThat(sent.status()).as(sent.body()).isEqualTo(201);
		assertThat(sent.json().get("status").asString()).isEqualTo("queued");
		assertThat(sent.json().at("/author/type").asString()).isEqualTo("api_key");

		JsonNode message = awaitStatus(chat, sent.json().get("id").asString(), "sent");
		GraphServer.Received request = graph.sends().getFirst();
		assertThat(request.path()).isEqualTo("/v23.0/" + phoneNumberId + "/messages");
		assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
		assertThat(request.header("Content-Type")).startsWith("application/json");
		assertThat(Api.parse(request.body())).isEqualTo(Api.parse("""
				{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "919812340001",
				 "type": "text", "text": {"preview_url": false, "body": "Yes, it left today."}}"""));
		assertThat(message.get("externalId").asString()).isEqualTo("wamid.HBgM000001");
		assertThat(graph.sends()).hasSize(1);
	}

	@Test
	void outsideTheWindowOnlyATemplateGoesOut() {
		graph.templates(template("order_update", "en_US", "Hello {{1}}, your order {{2}} has shipped."),
				template("welcome", "hi", "Namaste! Kaise madad karein?"),
				"""
				{"name": "promo_image", "language": "en_US", "status": "APPROVED", "category": "MARKETING", "id": "3",
				 "components": [{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Sale!"}]}""",
				"""
				{"name": "draft_one", "language": "en_US", "status": "REJECTED", "category": "UTILITY", "id": "4",
				 "components": [{"type": "BODY", "text": "Nope"}]}""",
				"""
				{"name": "named_params", "language": "en", "status": "APPROVED", "category": "UTILITY", "id": "5",
				 "parameter_format": "NAMED", "components": [{"type": "BODY", "text": "Hi {{first_name}}, ref {{ref}}"}]}""");
		String chat = customerWrites("919812340002", "Kabir", "hello", Instant.now().minus(Duration.ofHours(25)));

		Api.Response text = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"Are you still there?\"}");
		assertThat(text.status()).isEqualTo(422);
		assertThat(text.json().at("/errors/0/field").asString()).isEqualTo("text");
		assertThat(text.json().get("detail").asString()).contains("24 hours").contains("template");

		JsonNode composer = api.get("/api/v1/chats/" + chat + "/composer").json();
		assertThat(composer.get("windowOpen").asBoolean()).isFalse();
		assertThat(composer.get("templates").findValuesAsString("name"))
			.containsExactly("order_update", "welcome", "named_params");
		assertThat(composer.at("/templates/0/parameters").toString()).isEqualTo("[\"1\",\"2\"]");
		List<GraphServer.Received> listings = graph.received().stream().filter(r -> r.method().equals("GET")).toList();
		assertThat(listings).hasSize(3);
		assertThat(listings.getFirst().path()).isEqualTo("/v23.0/" + WABA + "/message_templates");
		assertThat(listings.getFirst().query()).contains("status=APPROVED").contains("limit=100");
		assertThat(listings.get(1).query()).contains("after=c2");
		assertThat(listings.getFirst().header("Authorization")).isEqualTo("Bearer " + TOKEN);

		Api.Response missing = api.post("/api/v1/chats/" + chat + "/messages", """
				{"template": {"name": "order_update", "language": "en_US", "parameters": {"1": "Kabir"}}}""");
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.json().at("/errors/0/field").asString()).isEqualTo("template.parameters.2");

		Api.Response sent = api.post("/api/v1/chats/" + chat + "/messages", """
				{"template": {"name": "order_update", "language": "en_US", "parameters": {"1": "Kabir", "2": "A-1009"}}}""");
		assertThat(sent.status()).as(sent.body()).isEqualTo(201);
		assertThat(sent.json().get("body").asString()).isEqualTo("Hello Kabir, your order A-1009 has shipped.");
		assertThat(sent.json().get("type").asString()).isEqualTo("template");
		awaitStatus(chat, sent.json().get("id").asString(), "sent");
		assertThat(Api.parse(graph.sends().getLast().body())).isEqualTo(Api.parse("""
				{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "919812340002", "type": "template",
				 "template": {"name": "order_update", "language": {"code": "en_US"},
				   "components": [{"type": "body", "parameters": [{"type": "text", "text": "Kabir"},
				                                                 {"type": "text", "text": "A-1009"}]}]}}"""));

		Api.Response named = api.post("/api/v1/chats/" + chat + "/messages", """
				{"template": {"name": "named_params", "language": "en", "parameters": {"first_name": "Kabir", "ref": "77"}}}""");
		assertThat(named.status()).as(named.body()).isEqualTo(201);
		awaitStatus(chat, named.json().get("id").asString(), "sent");
		assertThat(Api.parse(graph.sends().getLast().body()).at("/template/components/0/parameters/0").toString())
			.isEqualTo("{\"type\":\"text\",\"parameter_name\":\"first_name\",\"text\":\"Kabir\"}");
		assertThat(graph.received().stream().filter(r -> r.method().equals("GET")).count())
			.as("templates are fetched once and kept").isEqualTo(3);
	}

	@Test
	void aFailedStatusWithError131047ShowsOnTheMessageInPlainWords() throws Exception {
		String chat = customerWrites("919812340003", "Anya", "hi", Instant.now());
		String id = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"Hello Anya\"}").json().get("id").asString();
		String wamid = awaitStatus(chat, id, "sent").get("externalId").asString();

		notify(WhatsAppNotifications.status(phoneNumberId, wamid, "919812340003", "failed", Instant.now().getEpochSecond(),
				131047, "Re-engagement message", "Message failed to send because more than 24 hours have passed since the customer last replied to this number."));
		JsonNode failed = awaitStatus(chat, id, "failed");
		assertThat(failed.get("errorCode").asInt()).isEqualTo(131047);
		assertThat(failed.get("error").asString()).startsWith("More than 24 hours have passed since the customer last wrote");
	}

	@Test
	void statusesApplyInAnyOrderAndALateSentNeverOverwritesRead() throws Exception {
		String chat = customerWrites("919812340004", "Dev", "hi", Instant.now());
		String id = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"Hello Dev\"}").json().get("id").asString();
		String wamid = awaitStatus(chat, id, "sent").get("externalId").asString();
		long now = Instant.now().getEpochSecond();

		notify(WhatsAppNotifications.status(phoneNumberId, wamid, "919812340004", "read", now + 3, null, null, null));
		notify(WhatsAppNotifications.status(phoneNumberId, wamid, "919812340004", "delivered", now + 2, null, null, null));
		notify(WhatsAppNotifications.status(phoneNumberId, wamid, "919812340004", "sent", now + 1, null, null, null));
		notify(WhatsAppNotifications.status(phoneNumberId, wamid, "919812340004", "read", now + 3, null, null, null));
		JsonNode message = message(chat, id);
		assertThat(message.get("status").asString()).isEqualTo("read");
		assertThat(message.get("statusAt").asString()).isEqualTo(Instant.ofEpochSecond(now + 3).toString());

		String other = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"And again\"}").json().get("id").asString();
		String otherWamid = awaitStatus(chat, other, "sent").get("externalId").asString();
		notify(WhatsAppNotifications.status(phoneNumberId, otherWamid, "919812340004", "delivered", now + 5, null, null, null));
		assertThat(message(chat, other).get("status").asString()).isEqualTo("delivered");
	}

	@Test
	void aTransientFailureIsRetriedAndTheMessageGoesOutOnce() {
		String chat = customerWrites("919812340005", "Ira", "hi", Instant.now());
		graph.answerNextSend(503, "");
		graph.answerNextSend(400, """
				{"error": {"message": "(#131016) Service unavailable", "type": "OAuthException", "code": 131016,
				 "error_data": {"messaging_product": "whatsapp", "details": "A service is temporarily unavailable."},
				 "fbtrace_id": "AbCdEf"}}""");
		Api.Response sent = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"One message only\"}");
		JsonNode message = awaitStatus(chat, sent.json().get("id").asString(), "sent");
		assertThat(graph.sends()).hasSize(3);
		assertThat(message.get("externalId").asString()).startsWith("wamid.");
		assertThat(message.get("error").isNull()).isTrue();
	}

	@Test
	void theSameSubmitTwiceStoresAndSendsOneMessage() {
		String chat = customerWrites("919812340006", "Zoya", "hi", Instant.now());
		Map<String, String> key = Map.of("Idempotency-Key", "composer-7f9c2b");
		Api.Response first = api.send("POST", "/api/v1/chats/" + chat + "/messages", "{\"text\": \"Only once\"}", key);
		Api.Response again = api.send("POST", "/api/v1/chats/" + chat + "/messages", "{\"text\": \"Only once\"}", key);
		assertThat(first.status()).isEqualTo(201);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
		awaitStatus(chat, first.json().get("id").asString(), "sent");
		Await.until("the outbox is idle", () -> jdbc.sql("SELECT count(*) FROM messages WHERE chat_id = :c AND status IN ('queued', 'sending')")
			.param("c", chat).query(Integer.class).single() == 0);
		assertThat(graph.sends()).hasSize(1);
		assertThat(api.get("/api/v1/chats/" + chat + "/messages").json().get("data").size()).isEqualTo(2);
	}

	@Test
	void aPermanentRefusalFailsAtOnceWithTheReason() {
		String chat = customerWrites("919812340007", "Om", "hi", Instant.now());
		graph.answerNextSend(400, """
				{"error": {"message": "(#131026) Message Undeliverable.", "type": "OAuthException", "code": 131026,
				 "error_data": {"messaging_product": "whatsapp", "details": "Message Undeliverable."}}}""");
		String id = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"Hi Om\"}").json().get("id").asString();
		JsonNode failed = awaitStatus(chat, id, "failed");
		assertThat(failed.get("errorCode").asInt()).isEqualTo(131026);
		assertThat(failed.get("error").asString()).contains("may not use WhatsApp");
		assertThat(graph.sends()).hasSize(1);
	}

	@Test
	void withoutAConnectionTheComposerSaysWhatToDo() {
		Api.Response chats = api.get("/api/v1/chats?businessNumberId=" + ws.sales().id());
		String chat = chats.json().at("/data/0/id").asString(null);
		if (chat == null) {
			chat = api.post("/api/v1/chats", "{\"businessNumberId\": \"" + ws.sales().id() + "\", \"customerId\": \""
					+ ws.rohan().id() + "\"}").json().get("id").asString();
		}
		JsonNode composer = api.get("/api/v1/chats/" + chat + "/composer").json();
		assertThat(composer.get("connected").asBoolean()).isFalse();
		assertThat(composer.get("problem").asString()).contains("Settings → Connections");
		Api.Response refused = api.post("/api/v1/chats/" + chat + "/messages", "{\"text\": \"hello\"}");
		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.json().get("detail").asString()).contains("Settings → Connections");
	}

	@Test
	void theAiBotsReplyGoesOutOverWhatsAppOnce() {
		String bot = api.post("/api/v1/bots", """
				{"name": "Triage", "trigger": "incoming_message", "status": "active", "businessNumberIds": ["%s"]}"""
			.formatted(ws.support().id())).json().get("id").asString();
		api.put("/api/v1/bots/" + bot + "/variables", "[{\"name\": \"text\", \"path\": \"/message/text\"}]");
		Api.Response steps = api.put("/api/v1/bots/" + bot + "/steps", """
				[{"id": "triage", "type": "ai_bot", "config": {"provider": "builtin", "threshold": 0.3,
				  "intents": [{"name": "sales", "examples": ["What is the price", "price kya hai", "I want to buy"],
				     "reply": "Thanks! A sales expert will be with you shortly.",
				     "handoff": {"strategy": "member", "pool": ["%s"]}},
				    {"name": "support", "examples": ["The app is not working", "login nahi ho raha", "Getting an error"],
				     "handoff": {"strategy": "member", "pool": ["%s"]}}],
				  "fallback": {"strategy": "member", "pool": ["%s"]}}}]"""
			.formatted(ws.john().id(), ws.john().id(), ws.john().id()));
		assertThat(steps.status()).as(steps.body()).isEqualTo(200);

		String chat = customerWrites("919812340008", "Tara", "price kya hai", Instant.now());
		Await.until("the AI bot's reply is sent", () -> graph.sends().size() == 1);
		assertThat(Api.parse(graph.sends().getFirst().body()).at("/text/body").asString())
			.isEqualTo("Thanks! A sales expert will be with you shortly.");
		JsonNode reply = Await.value("the reply", () -> api.get("/api/v1/chats/" + chat + "/messages").json().at("/data/0"),
				m -> "sent".equals(m.path("status").asString()));
		assertThat(reply.at("/author/type").asString()).isEqualTo("ai_bot");
		assertThat(reply.at("/author/name").asString()).isEqualTo("Triage");
	}

	static String template(String name, String language, String body) {
		return """
				{"name": "%s", "language": "%s", "status": "APPROVED", "category": "UTILITY", "id": "%d",
				 "components": [{"type": "BODY", "text": "%s"}, {"type": "FOOTER", "text": "Acme"}]}"""
			.formatted(name, language, Math.abs(name.hashCode()), body);
	}

	/** The customer writes to the support number at {@code at}; answers their chat's id. */
	String customerWrites(String waId, String name, String text, Instant at) {
		notify(WhatsAppNotifications.textMessageAt(phoneNumberId, "wamid.in." + waId + "." + at.getEpochSecond(), waId,
				name, text, at.getEpochSecond()));
		return jdbc.sql("""
				SELECT c.id FROM chats c JOIN customers cu ON cu.id = c.customer_id
				WHERE c.workspace_id = :w AND cu.wa_id = :wa AND c.status = 'open'
				""").param("w", ws.id().value()).param("wa", waId).query(String.class).single();
	}

	void notify(String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		try {
			HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(callback))
				.header("Content-Type", "application/json")
				.header("X-Hub-Signature-256", WhatsAppNotifications.signature(APP_SECRET, body))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	JsonNode message(String chat, String id) {
		for (JsonNode m : api.get("/api/v1/chats/" + chat + "/messages").json().get("data")) {
			if (m.get("id").asString().equals(id)) {
				return m;
			}
		}
		throw new AssertionError("no message " + id);
	}

	JsonNode awaitStatus(String chat, String id, String status) {
		return Await.value("message " + id + " " + status, () -> message(chat, id),
				m -> m.get("status").asString().equals(status));
	}
}
