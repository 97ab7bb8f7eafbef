package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.json.JsonMapper;

import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.Member;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Api;
import io.handoff.support.ApiContract;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * Every operation of the OpenAPI document, called once by each built-in role and by another workspace, against the
 * permission matrix of the README. Each call gets fresh objects where it changes or deletes them, and every exchange
 * is checked against the document ({@link ApiContract}), so this is also the walk that proves each operation's
 * documented request and response schemas are the ones it uses. An operation added without a row fails the test.
 */
@IntegrationTest
class EveryOperationIT {

	/** Callers, in the order of a row's expectation string. */
	private static final List<String> CALLERS = List.of("owner", "lead", "member", "assigned", "other workspace");

	/** Operations without a key: their own credential is in the URL or a signature. */
	private static final Set<String> PUBLIC = Set.of("GET /hooks/{token}", "PUT /hooks/{token}", "POST /hooks/{token}",
			"GET /channels/whatsapp/{workspaceId}", "POST /channels/whatsapp/{workspaceId}");

	private static final AtomicInteger SEQUENCE = new AtomicInteger();

	@Autowired
	Fixtures fixtures;

	@Autowired
	TeamService team;

	@Autowired
	ChatService chats;

	@Autowired
	ApiKeyService apiKeys;

	@Autowired
	io.handoff.inbox.MessageService messages;

	Fixtures.Workspace ws;

	Map<String, Api> as = new LinkedHashMap<>();

	Api owner;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		Member olivia = team.createMember(ws.id(), new TeamService.MemberDetails("Olivia Owner", "olivia@company.com",
				null, Role.OWNER, Map.of()));
		owner = key(olivia);
		as.put("owner", owner);
		as.put("lead", key(ws.anita()));
		as.put("member", key(ws.rahul()));
		as.put("assigned", key(ws.sara()));
		as.put("other workspace", fixtures.workspace().api());
	}

	/**
	 * One operation: how to call it, and per caller (owner, lead, member, assigned-only, other workspace) the answer:
	 * {@code A} allowed (2xx), {@code D} denied (403), {@code H} hidden (404, as if it did not exist).
	 */
	record Row(String operation, String expected, Function<Api, Api.Response> call) {
	}

	@Test
	void everyOperationAnswersEachRoleAsTheMatrixSays() {
		String supportChat = ws.chat().id().value();
		List<Row> rows = List.of(
				// Chats, customers, history and events: everyone reads; assigned-only members only their own.
				row("GET /api/v1/chats", "AAAAA", a -> a.get("/api/v1/chats")),
				row("GET /api/v1/chats/{id}", "AAAHH", a -> a.get("/api/v1/chats/" + supportChat)),
				row("GET /api/v1/chats/{id}/assignments", "AAAHH", a -> a.get("/api/v1/chats/" + supportChat + "/assignments")),
				row("GET /api/v1/chats/{id}/messages", "AAAHH", a -> a.get("/api/v1/chats/" + supportChat + "/messages")),
				row("GET /api/v1/chats/{id}/composer", "AAAHH", a -> a.get("/api/v1/chats/" + supportChat + "/composer")),
				row("POST /api/v1/chats/{id}/messages", "AAAHH", a -> a.post("/api/v1/chats/" + chatToReplyTo()
						+ "/messages", json("text", "Thanks, we are on it"))),
				row("POST /api/v1/chats", "AAAAH", a -> a.post("/api/v1/chats", json("businessNumberId", salesId(),
						"customerId", newCustomer()))),
				row("PATCH /api/v1/chats/{id}", "AAAHH", a -> a.patch("/api/v1/chats/" + newChat(),
						json("status", "closed"))),
				row("DELETE /api/v1/chats/{id}", "AADDH", a -> a.delete("/api/v1/chats/" + newChat())),
				row("POST /api/v1/chats/{id}/assignment", "AAAHH", a -> a.post("/api/v1/chats/" + newChat() + "/assignment",
						json("memberId", ws.rahul().id().value()))),
				row("DELETE /api/v1/chats/{id}/assignment", "AAAAH", a -> a.delete("/api/v1/chats/" + assignedChat()
						+ "/assignment")),
				row("POST /api/v1/assignments", "AAAHH", a -> a.post("/api/v1/assignments", json("customerPhone",
						customerPhone(newCustomer()), "businessNumber", ws.support().number(), "memberEmail",
						"rahul@company.com"))),
				row("GET /api/v1/customers", "AAAAA", a -> a.get("/api/v1/customers")),
				row("GET /api/v1/customers/{id}", "AAAHH", a -> a.get("/api/v1/customers/" + ws.rohan().id())),
				row("POST /api/v1/customers", "AAAAA", a -> a.post("/api/v1/customers", json("name", "Meera Iyer",
						"phone", newPhone()))),
				row("PATCH /api/v1/customers/{id}", "AAAHH", a -> a.patch("/api/v1/customers/" + newCustomer(),
						json("name", "Meera I."))),
				row("DELETE /api/v1/customers/{id}", "AADDH", a -> a.delete("/api/v1/customers/" + newCustomer())),
				row("GET /api/v1/events", "AAAAA", a -> a.get("/api/v1/events")),
				row("GET /api/v1/events/{id}", "AAAHH", a -> a.get("/api/v1/events/" + supportEvent())),
				row("GET /api/v1/event-types", "AAAAA", a -> a.get("/api/v1/event-types")),
				// The team: everyone sees it and sets their own availability; admins change it.
				row("GET /api/v1/members", "AAAAA", a -> a.get("/api/v1/members")),
				row("GET /api/v1/members/{id}", "AAAAH", a -> a.get("/api/v1/members/" + ws.john().id())),
				row("POST /api/v1/members", "AADDA", a -> a.post("/api/v1/members", json("name", "New Agent", "email",
						"agent" + SEQUENCE.incrementAndGet() + "@company.com", "orgRole", "Team Member"))),
				row("PATCH /api/v1/members/{id}", "AADDH", a -> a.patch("/api/v1/members/" + newMember(),
						json("name", "Renamed Agent"))),
				row("DELETE /api/v1/members/{id}", "AADDH", a -> a.delete("/api/v1/members/" + newMember())),
				row("PUT /api/v1/members/{id}/availability", "AADDH", a -> a.put("/api/v1/members/" + ws.john().id()
						+ "/availability", json("availability", "busy"))),
				row("GET /api/v1/roles", "AAAAA", a -> a.get("/api/v1/roles")),
				row("POST /api/v1/roles", "AADDA", a -> a.post("/api/v1/roles", json("name", "Role "
						+ SEQUENCE.incrementAndGet(), "base", "team_member"))),
				row("GET /api/v1/business-numbers", "AAAAA", a -> a.get("/api/v1/business-numbers")),
				row("GET /api/v1/business-numbers/{id}", "AAAAH", a -> a.get("/api/v1/business-numbers/" + salesId())),
				row("POST /api/v1/business-numbers", "AADDA", a -> a.post("/api/v1/business-numbers",
						json("number", newPhone(), "displayName", "Acme Billing"))),
				row("PATCH /api/v1/business-numbers/{id}", "AADDH", a -> a.patch("/api/v1/business-numbers/" + salesId(),
						json("displayName", "Acme Sales"))),
				row("DELETE /api/v1/business-numbers/{id}", "AADDH", a -> a.delete("/api/v1/business-numbers/"
						+ newNumber())),
				row("GET /api/v1/api-keys", "AADDA", a -> a.get("/api/v1/api-keys")),
				row("POST /api/v1/api-keys", "AADDA", a -> a.post("/api/v1/api-keys", json("name", "CI"))),
				row("DELETE /api/v1/api-keys/{id}", "AADDH", a -> a.delete("/api/v1/api-keys/" + newKey())),
				// Webhooks and their deliveries.
				row("GET /api/v1/webhooks", "AADDA", a -> a.get("/api/v1/webhooks")),
				row("POST /api/v1/webhooks", "AADDA", a -> a.post("/api/v1/webhooks", webhookSettings())),
				row("GET /api/v1/webhooks/{id}", "AADDH", a -> a.get("/api/v1/webhooks/" + newWebhook())),
				row("PATCH /api/v1/webhooks/{id}", "AADDH", a -> a.patch("/api/v1/webhooks/" + newWebhook(),
						json("name", "CRM sync"))),
				row("DELETE /api/v1/webhooks/{id}", "AADDH", a -> a.delete("/api/v1/webhooks/" + newWebhook())),
				row("POST /api/v1/webhooks/{id}/test", "AADDH", a -> a.post("/api/v1/webhooks/" + newWebhook() + "/test",
						null)),
				row("GET /api/v1/webhooks/{id}/secret", "AADDH", a -> a.get("/api/v1/webhooks/" + newWebhook() + "/secret")),
				row("POST /api/v1/webhooks/{id}/secret/rotate", "AADDH", a -> a.post("/api/v1/webhooks/" + newWebhook()
						+ "/secret/rotate", null)),
				row("POST /api/v1/webhooks/{id}/disable", "AADDH", a -> a.post("/api/v1/webhooks/" + newWebhook()
						+ "/disable", null)),
				row("POST /api/v1/webhooks/{id}/enable", "AADDH", a -> a.post("/api/v1/webhooks/" + newWebhook() + "/enable",
						null)),
				row("POST /api/v1/webhooks/{id}/recover", "AADDH", a -> a.post("/api/v1/webhooks/" + newWebhook()
						+ "/recover", json("since", "2026-01-01T00:00:00Z"))),
				row("GET /api/v1/deliveries", "AADDA", a -> a.get("/api/v1/deliveries")),
				row("GET /api/v1/deliveries/{id}", "AADDH", a -> a.get("/api/v1/deliveries/" + newDelivery())),
				row("POST /api/v1/deliveries/{id}/resend", "AADDH", a -> a.post("/api/v1/deliveries/" + newDelivery()
						+ "/resend", null)),
				// Connections, templates, the WhatsApp channel.
				row("GET /api/v1/connections", "AADDA", a -> a.get("/api/v1/connections")),
				row("POST /api/v1/connections", "AADDA", a -> a.post("/api/v1/connections", connectionSettings())),
				row("GET /api/v1/connections/{id}", "AADDH", a -> a.get("/api/v1/connections/" + newConnection())),
				row("PATCH /api/v1/connections/{id}", "AADDH", a -> a.patch("/api/v1/connections/" + newConnection(),
						json("name", "HubSpot EU"))),
				row("DELETE /api/v1/connections/{id}", "AADDH", a -> a.delete("/api/v1/connections/" + newConnection())),
				row("POST /api/v1/connections/{id}/test", "AADDH", a -> a.post("/api/v1/connections/" + newConnection()
						+ "/test", null)),
				row("POST /api/v1/templates/crm-owner-sync", "AADDH", a -> a.post("/api/v1/templates/crm-owner-sync",
						json("connectionId", newConnection()))),
				row("POST /api/v1/templates/sheets-assignment-log", "AADDH", a -> a.post(
						"/api/v1/templates/sheets-assignment-log", "{\"connectionId\": \"" + newSheetsConnection()
								+ "\", \"spreadsheetId\": \"1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms\","
								+ " \"range\": \"Assignments\"}")),
				row("GET /api/v1/channels/whatsapp", "AADDA", a -> a.get("/api/v1/channels/whatsapp")),
				row("PUT /api/v1/channels/whatsapp", "AADDA", a -> a.put("/api/v1/channels/whatsapp",
						json("appSecret", "app-secret-1234", "verifyToken", "verify-me"))),
				// Reports: managers.
				row("GET /api/v1/reports/agents", "AADDA", a -> a.get("/api/v1/reports/agents?zone=Asia/Kolkata")),
				row("GET /api/v1/reports/agents/csv", "AADDA", a -> a.get("/api/v1/reports/agents/csv")),
				// Bot Studio.
				row("GET /api/v1/bots", "AADDA", a -> a.get("/api/v1/bots")),
				row("POST /api/v1/bots", "AADDA", a -> a.post("/api/v1/bots", json("name", "Lead router"))),
				row("GET /api/v1/bots/{id}", "AADDH", a -> a.get("/api/v1/bots/" + newBot())),
				row("PATCH /api/v1/bots/{id}", "AADDH", a -> a.patch("/api/v1/bots/" + newBot(), json("name", "Router"))),
				row("DELETE /api/v1/bots/{id}", "AADDH", a -> a.delete("/api/v1/bots/" + newBot())),
				row("POST /api/v1/bots/{id}/hook-url", "AADDH", a -> a.post("/api/v1/bots/" + newBot() + "/hook-url", null)),
				row("PUT /api/v1/bots/{id}/variables", "AADDH", a -> a.put("/api/v1/bots/" + newBot() + "/variables",
						"[{\"name\": \"phone\", \"path\": \"$.body.phone\", \"type\": \"text\"}]")),
				row("PUT /api/v1/bots/{id}/steps", "AADDH", a -> a.put("/api/v1/bots/" + newBot() + "/steps",
						"[{\"type\": \"http_request\", \"name\": \"Tell the backend\", \"config\": {\"method\": \"POST\","
								+ " \"url\": \"http://127.0.0.1:9/x\"}}]")),
				row("POST /api/v1/bots/{id}/capture", "AADDH", a -> a.post("/api/v1/bots/" + newBot() + "/capture", null)),
				row("GET /api/v1/bots/{id}/capture", "AADDH", a -> a.get("/api/v1/bots/" + capturingBot() + "/capture")),
				row("DELETE /api/v1/bots/{id}/capture", "AADDH", a -> a.delete("/api/v1/bots/" + capturingBot()
						+ "/capture")),
				row("GET /api/v1/bots/{id}/sample", "AADDH", a -> a.get("/api/v1/bots/" + botWithSample() + "/sample")),
				row("PUT /api/v1/bots/{id}/sample", "AADDH", a -> {
					String[] bot = botWithRun();
					return a.put("/api/v1/bots/" + bot[0] + "/sample", json("requestId", bot[2]));
				}),
				row("GET /api/v1/bots/{id}/runs", "AADDH", a -> a.get("/api/v1/bots/" + botWithRun()[0] + "/runs")),
				row("GET /api/v1/bots/{id}/runs/{runId}", "AADDH", a -> {
					String[] bot = botWithRun();
					return a.get("/api/v1/bots/" + bot[0] + "/runs/" + bot[1]);
				}),
				row("POST /api/v1/bots/{id}/runs/{runId}/rerun", "AADDH", a -> {
					String[] bot = botWithRun();
					return a.post("/api/v1/bots/" + bot[0] + "/runs/" + bot[1] + "/rerun", null);
				}),
				row("POST /api/v1/bots/{id}/ai/try", "AADDH", a -> a.post("/api/v1/bots/" + aiBot() + "/ai/try",
						json("text", "I want to talk to sales"))));

		ApiContract contract = ApiContract.of(owner.base());
		Set<String> documented = new TreeSet<>();
		contract.operations().forEach(o -> documented.add(o.key()));
		documented.removeAll(PUBLIC);
		Set<String> walked = new TreeSet<>();
		rows.forEach(r -> walked.add(r.operation()));
		assertThat(walked).as("rows for the documented operations").isEqualTo(documented);

		List<String> mismatches = new ArrayList<>();
		for (Row row : rows) {
			for (int i = 0; i < CALLERS.size(); i++) {
				String who = CALLERS.get(i);
				char expected = row.expected().charAt(i);
				Api.Response response = row.call().apply(as.get(who));
				boolean matches = switch (expected) {
					case 'A' -> response.status() >= 200 && response.status() < 300;
					case 'D' -> response.status() == 403;
					case 'H' -> response.status() == 404;
					default -> throw new IllegalArgumentException(row.expected());
				};
				if (!matches) {
					mismatches.add(row.operation() + " as " + who + ": expected " + expected + ", got "
							+ response.status() + " " + abbreviate(response.body()));
				}
				if (response.status() >= 400) {
					assertThat(response.contentType()).as(row.operation() + " as " + who)
						.startsWith("application/problem+json");
				}
			}
		}
		assertThat(mismatches).isEmpty();
	}

	private Row row(String operation, String expected, Function<Api, Api.Response> call) {
		return new Row(operation, expected, call);
	}

	private Api key(Member member) {
		return ws.api().withKey(apiKeys.create(ws.id(), member.name(), member.id().value()).key());
	}

	private static String abbreviate(String body) {
		return body.length() > 200 ? body.substring(0, 200) + "…" : body;
	}

	/** A JSON object of name/value pairs. */
	private static String json(String... pairs) {
		StringBuilder out = new StringBuilder("{");
		for (int i = 0; i < pairs.length; i += 2) {
			out.append(i == 0 ? "" : ", ").append('"').append(pairs[i]).append("\": \"").append(pairs[i + 1]).append('"');
		}
		return out.append('}').toString();
	}

	private String id(Api.Response created) {
		assertThat(created.status()).as(created.toString()).isBetween(200, 299);
		var json = created.json();
		return (json.has("id") ? json : json.has("endpoint") ? json.get("endpoint") : json.get("apiKey")).get("id")
			.asString();
	}

	private static String newPhone() {
		return "+9199" + String.format("%08d", SEQUENCE.incrementAndGet());
	}

	private String salesId() {
		return ws.sales().id().value();
	}

	private String newCustomer() {
		return id(owner.post("/api/v1/customers", json("name", "Customer", "phone", newPhone())));
	}

	/** An open chat on Sales, assigned to Sara, the assigned-only member: hers to act on. */
	private String assignedChat() {
		String chat = newChat(ws.sales().id().value());
		chats.assign(ws.id(), new ChatId(chat), ws.sara().id(), ChatService.Origin.manual(ws.anita().id(), "Anita"));
		return chat;
	}

	/** An open, unassigned chat on Support, a number Sara has no role on. */
	private String newChat() {
		return newChat(ws.support().id().value());
	}

	private String newChat(String businessNumberId) {
		return id(owner.post("/api/v1/chats", json("businessNumberId", businessNumberId, "customerId", newCustomer())));
	}

	/**
	 * A new chat on the support number whose customer has just written, on a number with a WhatsApp connection (to
	 * a closed port: the reply is queued, which is all this test asks).
	 */
	private String chatToReplyTo() {
		if (!replyReady) {
			String phoneNumberId = Long.toString(100_000_000_000_000L + SEQUENCE.incrementAndGet() * 7919L
					+ System.nanoTime() % 1_000_000_000L);
			owner.patch("/api/v1/business-numbers/" + ws.support().id(), json("phoneNumberId", phoneNumberId));
			id(owner.post("/api/v1/connections", "{\"type\": \"whatsapp_cloud\", \"name\": \"WhatsApp\", \"settings\": "
					+ "{\"phoneNumberId\": \"" + phoneNumberId + "\", \"baseUrl\": \"http://127.0.0.1:9\"}, "
					+ "\"secrets\": {\"accessToken\": \"EAAG-test\"}}"));
			replyReady = true;
		}
		String chat = newChat();
		String customerId = owner.get("/api/v1/chats/" + chat).json().get("customerId").asString();
		String phone = owner.get("/api/v1/customers/" + customerId).json().get("phone").asString();
		messages.recordInbound(ws.id(), new io.handoff.inbox.MessageService.Inbound(
				team.number(ws.id(), ws.support().id(), "id"), phone, null,
				"wamid.every." + SEQUENCE.incrementAndGet(), "text", "hello", null));
		return chat;
	}

	private boolean replyReady;

	private String supportEvent() {
		String chat = newChat();
		owner.post("/api/v1/chats/" + chat + "/assignment", json("memberId", ws.john().id().value()));
		return owner.get("/api/v1/events?chatId=" + chat).json().at("/data/0/id").asString();
	}

	private String newMember() {
		return id(owner.post("/api/v1/members", json("name", "Temp Agent", "email",
				"temp" + SEQUENCE.incrementAndGet() + "@company.com", "orgRole", "Team Member")));
	}

	private String newNumber() {
		return id(owner.post("/api/v1/business-numbers", json("number", newPhone(), "displayName", "Temp")));
	}

	private String newKey() {
		return id(owner.post("/api/v1/api-keys", json("name", "temp")));
	}

	private String webhookSettings() {
		return "{\"name\": \"Backend\", \"url\": \"http://127.0.0.1:9/hooks/handoff\","
				+ " \"eventTypes\": [\"chat.assigned\"]}";
	}

	private String newWebhook() {
		return id(owner.post("/api/v1/webhooks", webhookSettings()));
	}

	/** A delivery of a real event: a webhook on Support, then an assignment there. */
	private String newDelivery() {
		String endpoint = newWebhook();
		String chat = newChat();
		owner.post("/api/v1/chats/" + chat + "/assignment", json("memberId", ws.john().id().value()));
		// Its first try fails (nothing listens on port 9); once that try is over it may be resent.
		Await.until("a tried delivery to the new webhook", () -> {
			var delivery = owner.get("/api/v1/deliveries?endpointId=" + endpoint).json().at("/data/0");
			return delivery.path("attempts").asInt() > 0 && !delivery.path("status").asString().equals("in_flight");
		});
		return owner.get("/api/v1/deliveries?endpointId=" + endpoint).json().at("/data/0/id").asString();
	}

	private String connectionSettings() {
		return "{\"type\": \"hubspot\", \"name\": \"HubSpot\", \"secrets\": {\"token\": \"pat-na1-test\"}}";
	}

	private String newConnection() {
		return id(owner.post("/api/v1/connections", connectionSettings()));
	}

	private String newSheetsConnection() {
		try {
			String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' })
				.encodeToString(KeyPairGenerator.getInstance("RSA").genKeyPair().getPrivate().getEncoded())
					+ "\n-----END PRIVATE KEY-----\n";
			var key = JsonMapper.builder().build().createObjectNode()
				.put("client_email", "bot@acme.iam.gserviceaccount.com")
				.put("private_key", pem);
			return id(owner.post("/api/v1/connections", "{\"type\": \"google_service_account\", \"name\": \"Sheets\","
					+ " \"secrets\": {\"key\": " + JsonMapper.builder().build().writeValueAsString(key.toString()) + "}}"));
		}
		catch (java.security.GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	private String newBot() {
		return id(owner.post("/api/v1/bots", json("name", "Temp bot")));
	}

	private String customerPhone(String customerId) {
		return owner.get("/api/v1/customers/" + customerId).json().get("phone").asString();
	}

	private String aiBot() {
		String bot = newBot();
		Api.Response saved = owner.put("/api/v1/bots/" + bot + "/steps", """
				[{"type": "ai_bot", "config": {"provider": "builtin", "threshold": 0.5, "intents": [{"name": "sales",
				  "examples": ["I want to buy the premium plan", "What is the price", "Any discount?"],
				  "handoff": {"strategy": "member", "pool": ["%s"]}},
				  {"name": "support", "examples": ["The app is not working", "I can't log in", "Getting an error"],
				  "handoff": {"strategy": "member", "pool": ["%s"]}}],
				  "fallback": {"strategy": "member", "pool": ["%s"]}}}]""".formatted(ws.john().id(), ws.rahul().id(),
				ws.anita().id()));
		assertThat(saved.status()).as(saved.toString()).isEqualTo(200);
		return bot;
	}

	/** A bot whose captured request became its sample. */
	private String botWithSample() {
		String bot = capturingBot();
		String hookUrl = owner.get("/api/v1/bots/" + bot).json().at("/trigger/hookUrl").asString();
		Api hook = new Api(hookUrl.substring(0, hookUrl.indexOf("/hooks/")), null);
		hook.post(hookUrl.substring(hookUrl.indexOf("/hooks/")), "{\"phone\": \"+919111000999\"}");
		return bot;
	}

	private String capturingBot() {
		String bot = newBot();
		owner.post("/api/v1/bots/" + bot + "/capture", null);
		return bot;
	}

	/** A bot with one run from a request to its URL: {bot id, run id, request id}. */
	private String[] botWithRun() {
		var bot = owner.post("/api/v1/bots", json("name", "Temp bot", "status", "active")).json();
		String hookUrl = bot.at("/trigger/hookUrl").asString();
		Api hook = new Api(hookUrl.substring(0, hookUrl.indexOf("/hooks/")), null);
		var accepted = hook.post(hookUrl.substring(hookUrl.indexOf("/hooks/")), "{\"phone\": \"+919111000999\"}");
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
		return new String[] { bot.get("id").asString(), accepted.json().get("runId").asString(),
				accepted.json().get("requestId").asString() };
	}
}
