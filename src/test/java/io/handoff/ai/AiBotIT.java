package io.handoff.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.studio.HooksAccess;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.WhatsAppNotifications;

/** The AI bot on WhatsApp messages, its hand-offs with source ai_bot, and its two providers. */
@IntegrationTest
class AiBotIT {

	static final String APP_SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

	@Autowired
	Fixtures fixtures;

	Fixtures.Workspace ws;

	Api api;

	String phoneNumberId;

	String callback;

	String botId;

	MockWebServer provider;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		provider = new MockWebServer();
		provider.start();
		phoneNumberId = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000_000L, 999_999_999_999_999L));
		api.patch("/api/v1/business-numbers/" + ws.support().id(), "{\"phoneNumberId\": \"" + phoneNumberId + "\"}");
		callback = api.base() + api.put("/api/v1/channels/whatsapp", """
				{"appSecret": "%s", "verifyToken": "verify-ai-bot"}""".formatted(APP_SECRET)).json().get("callbackPath").asString();
		botId = api.post("/api/v1/bots", """
				{"name": "Triage", "trigger": "incoming_message", "status": "active", "businessNumberIds": ["%s"]}"""
			.formatted(ws.support().id())).json().get("id").asString();
		api.put("/api/v1/bots/" + botId + "/variables", "[{\"name\": \"text\", \"path\": \"/message/text\"}]");
		steps("\"provider\": \"builtin\"");
	}

	@AfterEach
	void tearDown() {
		provider.close();
	}

	/** Sales to John, support to Rahul, a human to Anita; anything unclear to Anita too (the fallback). */
	void steps(String providerSettings) {
		Api.Response saved = api.put("/api/v1/bots/" + botId + "/steps", """
				[{"id": "triage", "type": "ai_bot", "config": {%s, "threshold": 0.5,
				  "intents": [
				    {"name": "sales", "examples": ["I want to buy the premium plan", "What is the price", "price kya hai",
				      "mujhe ye product kharidna hai", "Do you have any discount"],
				     "reply": "Thanks! A sales expert will be with you shortly.",
				     "handoff": {"strategy": "round_robin", "pool": ["%s"]}},
				    {"name": "support", "examples": ["The app is not working", "I can't log in", "login nahi ho raha",
				      "app crash ho raha hai", "Getting an error"], "handoff": {"strategy": "member", "pool": ["%s"]}},
				    {"name": "human", "examples": ["I want to talk to a human", "Connect me to an agent",
				      "insaan se baat karni hai", "real person please"], "handoff": {"strategy": "member", "pool": ["%s"]}}],
				  "fallback": {"strategy": "round_robin", "pool": ["%s"]}}}]"""
			.formatted(providerSettings, ws.john().id(), ws.rahul().id(), ws.anita().id(), ws.anita().id()));
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
	}

	@Test
	void aSalesMessageGoesToTheSalesPoolWithSourceAiBot() {
		JsonNode event = message("919812311001", "Priya", "hi, what is the price of the premium plan?");
		assertThat(event.at("/payload/data/assignment/source").asString()).isEqualTo("ai_bot");
		assertThat(event.at("/payload/data/assignment/botId").asString()).isEqualTo(botId);
		assertThat(event.at("/payload/data/assignment/actor/type").asString()).isEqualTo("ai_bot");
		assertThat(event.at("/payload/data/assignedUserId").asString()).isEqualTo(ws.john().id().value());
		JsonNode step = lastRun().at("/steps/0/output");
		assertThat(step.get("intent").asString()).isEqualTo("sales");
		assertThat(step.get("provider").asString()).isEqualTo("builtin");
		assertThat(step.get("reply").asString()).startsWith("Thanks!");
		assertThat(step.get("message").asString()).contains("premium plan");
	}

	@Test
	void aRequestForAHumanIsHandedOffAtOnce() {
		JsonNode event = message("919812311002", "Kabir", "please connect me to a real person");
		assertThat(event.at("/payload/data/assignedUserId").asString()).isEqualTo(ws.anita().id().value());
		assertThat(lastRun().at("/steps/0/output/reason").asString()).isEqualTo("the customer asked for a person");
	}

	@Test
	void lowConfidenceGoesToTheFallbackPool() {
		JsonNode event = message("919812311003", "Zoya", "zxqv blorp");
		assertThat(event.at("/payload/data/assignedUserId").asString()).isEqualTo(ws.anita().id().value());
		JsonNode step = lastRun().at("/steps/0/output");
		assertThat(step.get("action").asString()).isEqualTo("handed_to_fallback");
		assertThat(step.get("reason").asString()).startsWith("low confidence");
	}

	@Test
	void aChatHeldByAPersonIsNotTakenFromThem() {
		message("919812311004", "Meera", "app crash ho raha hai");
		assertThat(lastRun().at("/steps/0/output/memberId").asString()).isEqualTo(ws.rahul().id().value());
		send("919812311004", "Meera", "wamid.held-2", "actually I want to buy the premium plan");
		JsonNode second = Await.value("the second run", () -> api.get("/api/v1/bots/" + botId + "/runs").json(),
				page -> page.get("data").size() == 2 && page.at("/data/0/status").asString().equals("succeeded")).at("/data/0");
		assertThat(second.at("/steps/0/output/action").asString()).isEqualTo("left_with_assignee");
		assertThat(second.at("/steps/0/output/intent").asString()).isEqualTo("sales");
		String chat = second.get("chatId").asString();
		assertThat(api.get("/api/v1/chats/" + chat).json().get("assigneeId").asString()).isEqualTo(ws.rahul().id().value());
	}

	@Test
	void tryAMessageShowsTheDecisionWithoutTouchingAnyChat() {
		Api.Response tried = api.post("/api/v1/bots/" + botId + "/ai/try", "{\"text\": \"login nahi ho raha\"}");
		assertThat(tried.status()).as(tried.body()).isEqualTo(200);
		assertThat(tried.json().get("intent").asString()).isEqualTo("support");
		assertThat(tried.json().get("handoffTo").get(0).asString()).isEqualTo("Rahul Verma");
		assertThat(api.post("/api/v1/bots/" + botId + "/ai/try", "{\"text\": \" \"}").json().at("/errors/0/field").asString())
			.isEqualTo("text");
		assertThat(api.get("/api/v1/events?type=chat.assigned").json().get("data").size()).isZero();
	}

	@Test
	void theOpenAiCompatibleProviderIsUsedAndAnyFailureFallsBackToTheBuiltInClassifier() throws Exception {
		String connection = api.post("/api/v1/connections", """
				{"type": "openai", "name": "LLM", "settings": {"baseUrl": "%s"}, "secrets": {"apiKey": "sk-test-123"}}"""
			.formatted(provider.url("/v1").toString())).json().get("id").asString();
		steps("\"provider\": \"openai\", \"connectionId\": \"%s\", \"model\": \"small-model\", \"timeoutSeconds\": 1".formatted(connection));

		provider.enqueue(completion("{\\\"intent\\\": \\\"support\\\", \\\"confidence\\\": 0.91}"));
		JsonNode valid = tryIt("I have a question about my account");
		assertThat(valid.get("provider").asString()).isEqualTo("openai");
		assertThat(valid.get("intent").asString()).isEqualTo("support");
		assertThat(valid.get("confidence").asDouble()).isEqualTo(0.91);
		RecordedRequest asked = provider.takeRequest();
		assertThat(asked.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
		assertThat(asked.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-123");
		JsonNode body = Api.parse(asked.getBody().utf8());
		assertThat(body.get("model").asString()).isEqualTo("small-model");
		assertThat(body.at("/response_format/type").asString()).isEqualTo("json_object");

		provider.enqueue(completion("this is not json"));
		JsonNode malformed = tryIt("what is the price");
		assertThat(malformed.get("provider").asString()).isEqualTo("builtin");
		assertThat(malformed.get("providerError").asString()).contains("not the JSON");
		assertThat(malformed.get("intent").asString()).isEqualTo("sales");

		provider.enqueue(new MockResponse.Builder().code(500).body("{\"error\": \"overloaded\"}").build());
		JsonNode failed = tryIt("I want to talk to a human");
		assertThat(failed.get("providerError").asString()).contains("500");
		assertThat(failed.get("intent").asString()).isEqualTo("human");

		provider.enqueue(completion("{\\\"intent\\\": \\\"sales\\\", \\\"confidence\\\": 0.9}").newBuilder()
			.bodyDelay(3, TimeUnit.SECONDS).build());
		JsonNode slow = tryIt("app crash ho raha hai");
		assertThat(slow.get("providerError").asString()).contains("timed out");
		assertThat(slow.get("intent").asString()).isEqualTo("support");
	}

	MockResponse completion(String content) {
		return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body("""
				{"id": "chatcmpl-1", "object": "chat.completion", "model": "small-model",
				 "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s"}, "finish_reason": "stop"}]}"""
			.formatted(content)).build();
	}

	JsonNode tryIt(String text) {
		Api.Response tried = api.post("/api/v1/bots/" + botId + "/ai/try", "{\"text\": \"" + text + "\"}");
		assertThat(tried.status()).as(tried.body()).isEqualTo(200);
		return tried.json();
	}

	/** Sends one WhatsApp message and answers the chat.assigned it leads to. */
	JsonNode message(String from, String name, String text) {
		send(from, name, "wamid." + from, text);
		return Await.value("chat.assigned for " + from, () -> api.get("/api/v1/events?type=chat.assigned").json()
			.get("data").valueStream()
			.filter(e -> e.at("/payload/data/customerPhone").asString("").equals("+" + from))
			.findFirst(), Optional::isPresent).orElseThrow();
	}

	void send(String from, String name, String messageId, String text) {
		byte[] body = WhatsAppNotifications.textMessage(phoneNumberId, messageId, from, name, text)
			.getBytes(StandardCharsets.UTF_8);
		Api.Response received = HooksAccess.send("POST", callback, "application/json", body,
				Map.of("X-Hub-Signature-256", WhatsAppNotifications.signature(APP_SECRET, body)));
		assertThat(received.status()).as(received.body()).isEqualTo(200);
	}

	JsonNode lastRun() {
		return Await.value("the run", () -> api.get("/api/v1/bots/" + botId + "/runs").json().at("/data/0"),
				r -> r.has("status") && r.get("status").asString().equals("succeeded"));
	}
}
