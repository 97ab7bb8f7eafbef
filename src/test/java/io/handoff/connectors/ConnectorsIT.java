package io.handoff.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.MemberId;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * "If a chat is assigned to Agent A in the inbox, the CRM updates the lead owner to Agent A automatically", end to
 * end: Handoff's own chat.assigned webhook reaches a bot made from the template, which talks to local servers that
 * speak HubSpot's, Zoho CRM's and Salesforce's APIs.
 */
@IntegrationTest
class ConnectorsIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	CustomerService customers;

	@Autowired
	ChatService chats;

	@Autowired
	JdbcClient jdbc;

	Fixtures.Workspace ws;

	Api api;

	MockWebServer server;

	CrmBots bots;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		server = new MockWebServer();
		server.start();
		bots = new CrmBots(ws, api, server, customers, chats);
	}

	@AfterEach
	void tearDown() {
		server.close();
	}

	@Test
	void hubspotContactOwnerFollowsAssignAndReassign() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT, "pat-na1-11111111");
		String contact = crm.addRecord("+919111222333", "900");
		String connection = connection("""
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-11111111"}}"""
			.formatted(server.url("/")));
		String bot = template(connection, "skip");

		assign(ws.chat().id().value(), ws.john().id());
		Await.until("John owns the contact", () -> "101".equals(crm.records.get(contact)[1]));
		assign(ws.chat().id().value(), ws.anita().id());
		Await.until("Anita owns the contact", () -> "102".equals(crm.records.get(contact)[1]));

		JsonNode last = lastRun(bot, 2);
		assertThat(last.at("/steps/0/output/action").asString()).isEqualTo("updated");
		assertThat(last.at("/steps/0/output/ownerId").asString()).isEqualTo("102");
		assertThat(last.at("/steps/0/output/previousOwnerId").asString()).isEqualTo("101");
		assertThat(crm.calls).contains("GET /crm/v3/owners/", "POST /crm/v3/objects/contacts/search",
				"PATCH /crm/v3/objects/contacts/" + contact);
	}

	@Test
	void zohoLeadOwnerFollowsAndAMissingLeadIsCreated() {
		FakeCrm crm = crm(FakeCrm.Kind.ZOHO, "1000.abcdef.123456");
		String lead = crm.addRecord("+919111222333", "0");
		String connection = connection("""
				{"type": "zoho", "name": "Zoho", "settings": {"baseUrl": "%s"}, "secrets": {"token": "1000.abcdef.123456"}}"""
			.formatted(server.url("/")));
		template(connection, "create");

		assign(ws.chat().id().value(), ws.john().id());
		Await.until("John owns the lead", () -> "101".equals(crm.records.get(lead)[1]));
		assign(ws.chat().id().value(), ws.anita().id());
		Await.until("Anita owns the lead", () -> "102".equals(crm.records.get(lead)[1]));

		String other = newChat("+919812399001");
		assign(other, ws.john().id());
		Await.until("a lead created for the new customer, owned by John",
				() -> crm.ownerOfPhone("+919812399001").filter("101"::equals).isPresent());
		assertThat(crm.calls).contains("GET /crm/v6/users", "GET /crm/v6/Leads/search", "PUT /crm/v6/Leads/" + lead,
				"POST /crm/v6/Leads");
	}

	@Test
	void salesforceLeadOwnerFollowsAndAMissingLeadIsSkipped() {
		FakeCrm crm = crm(FakeCrm.Kind.SALESFORCE, "00D5g000004ABCD!AQ0AQ");
		String lead = crm.addRecord("+919111222333", "0055g00000AAAAA");
		String connection = connection("""
				{"type": "salesforce", "name": "Salesforce", "settings": {"instanceUrl": "%s"},
				 "secrets": {"token": "00D5g000004ABCD!AQ0AQ"}}""".formatted(server.url("/")));
		String bot = template(connection, "skip");

		assign(ws.chat().id().value(), ws.john().id());
		Await.until("John owns the lead", () -> "101".equals(crm.records.get(lead)[1]));
		assign(ws.chat().id().value(), ws.anita().id());
		Await.until("Anita owns the lead", () -> "102".equals(crm.records.get(lead)[1]));

		String other = newChat("+919812399002");
		assign(other, ws.john().id());
		JsonNode skipped = lastRun(bot, 3);
		assertThat(skipped.at("/steps/0/output/action").asString()).isEqualTo("skipped_missing");
		assertThat(crm.ownerOfPhone("+919812399002")).isEmpty();
		assertThat(crm.calls).contains("GET /services/data/v60.0/query", "PATCH /services/data/v60.0/sobjects/Lead/" + lead);
	}

	@Test
	void anOwnerMapWinsOverTheLookupByEmail() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT, "pat-na1-44444444");
		String contact = crm.addRecord("+919111222333", "900");
		String connection = connection("""
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-44444444"}}"""
			.formatted(server.url("/")));
		Api.Response created = api.post("/api/v1/templates/crm-owner-sync", """
				{"connectionId": "%s", "ownerMap": {"Anita@Company.com": "555"}}""".formatted(connection));
		assertThat(created.status()).as(created.body()).isEqualTo(201);

		assign(ws.chat().id().value(), ws.anita().id());
		Await.until("the mapped owner", () -> "555".equals(crm.records.get(contact)[1]));
		assertThat(crm.calls).doesNotContain("GET /crm/v3/owners/");
		assign(ws.chat().id().value(), ws.john().id());
		Await.until("John, found by email", () -> "101".equals(crm.records.get(contact)[1]));
	}

	@Test
	void aRateLimitIsWaitedOutWithinTheRun() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT, "pat-na1-22222222");
		String contact = crm.addRecord("+919111222333", "900");
		String connection = connection("""
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-22222222"}}"""
			.formatted(server.url("/")));
		String bot = template(connection, "skip");
		crm.rateLimitNext.set(1);

		assign(ws.chat().id().value(), ws.john().id());
		Await.until("John owns the contact", () -> "101".equals(crm.records.get(contact)[1]));
		JsonNode tries = lastRun(bot, 1).at("/steps/0/output/tries");
		assertThat(tries.get(0).get("status").asInt()).isEqualTo(429);
		assertThat(tries.get(1).get("status").asInt()).isEqualTo(200);
		assertThat(tries.get(1).get("url").asString()).isEqualTo(tries.get(0).get("url").asString());
	}

	@Test
	void afterAStormOfReassignmentsEveryCrmOwnerIsTheChatsCurrentAgent() throws Exception {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT, "pat-na1-33333333");
		crm.users.put("rahul@company.com", "103");
		List<String> storm = new ArrayList<>();
		Map<String, String> phones = new HashMap<>();
		for (int i = 0; i < 20; i++) {
			String phone = "+9198123%05d".formatted(50000 + i);
			String chat = newChat(phone);
			storm.add(chat);
			phones.put(chat, phone);
			crm.addRecord(phone, "0");
		}
		String connection = connection("""
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-33333333"}}"""
			.formatted(server.url("/")));
		String bot = template(connection, "skip");
		crm.failureRate = 0.3;

		Random random = new Random(20261125);
		List<MemberId> agents = List.of(ws.john().id(), ws.anita().id(), ws.rahul().id());
		try (var senders = java.util.concurrent.Executors.newFixedThreadPool(4)) {
			for (int i = 0; i < 200; i++) {
				String chat = storm.get(random.nextInt(storm.size()));
				MemberId agent = agents.get(random.nextInt(agents.size()));
				senders.execute(() -> assign(chat, agent));
			}
		}
		Map<String, String> ownerIds = Map.of(ws.john().id().value(), "101", ws.anita().id().value(), "102",
				ws.rahul().id().value(), "103");
		Await.until("every run to finish", Duration.ofSeconds(120), () -> jdbc.sql("""
				SELECT count(*) FROM bot_runs WHERE bot_id = :bot AND status IN ('queued', 'running')""")
			.param("bot", bot).query(Integer.class).single() == 0
				&& jdbc.sql("SELECT count(*) FROM deliveries WHERE workspace_id = :ws AND status = 'pending'")
					.param("ws", ws.id().value()).query(Integer.class).single() == 0);
		for (String chat : storm) {
			String current = api.get("/api/v1/chats/" + chat).json().get("assigneeId").asString();
			assertThat(crm.ownerOfPhone(phones.get(chat))).as("CRM owner of " + chat).contains(ownerIds.get(current));
		}
		assertThat(jdbc.sql("SELECT count(*) FROM bot_runs WHERE bot_id = :bot AND status = 'failed'")
			.param("bot", bot).query(Integer.class).single()).isZero();
	}

	@Test
	void testConnectionSaysWhetherTheCredentialsWork() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT, "pat-na1-44444444");
		String good = connection("""
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-44444444"}}"""
			.formatted(server.url("/")));
		String wrong = connection("""
				{"type": "hubspot", "name": "HubSpot (old token)", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-expired"}}"""
			.formatted(server.url("/")));

		JsonNode works = api.post("/api/v1/connections/" + good + "/test", null).json();
		assertThat(works.get("ok").asBoolean()).isTrue();
		assertThat(works.get("message").asString()).contains("HubSpot works");
		assertThat(crm.calls).anyMatch(c -> c.startsWith("GET /crm/v3/owners"));

		JsonNode refused = api.post("/api/v1/connections/" + wrong + "/test", null).json();
		assertThat(refused.get("ok").asBoolean()).isFalse();
		assertThat(refused.get("message").asString()).contains("401");
		assertThat(crm.records).isEmpty();
	}

	@Test
	void connectionsKeepSecretsAndRefuseBadInput() {
		Api.Response created = api.post("/api/v1/connections", """
				{"type": "hubspot", "name": "HubSpot", "secrets": {"token": "pat-na1-secret-value"}}""");
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.body()).doesNotContain("pat-na1-secret-value");
		assertThat(created.json().get("secretsSet").get(0).asString()).isEqualTo("token");
		assertThat(jdbc.sql("SELECT secrets_sealed FROM connections WHERE id = :id")
			.param("id", created.json().get("id").asString()).query(String.class).single()).doesNotContain("pat-na1");

		Api.Response metadata = api.post("/api/v1/connections", """
				{"type": "salesforce", "name": "SF", "settings": {"instanceUrl": "http://169.254.169.254"}, "secrets": {"token": "x"}}""");
		assertThat(metadata.status()).isEqualTo(400);
		assertThat(metadata.json().at("/errors/0/field").asString()).isEqualTo("settings.instanceUrl");

		Api.Response missing = api.post("/api/v1/connections", "{\"type\": \"zoho\", \"name\": \"Zoho\"}");
		assertThat(missing.json().at("/errors/0/field").asString()).isEqualTo("secrets.token");

		String key = api.post("/api/v1/api-keys", "{\"name\": \"Rahul\", \"memberId\": \"" + ws.rahul().id() + "\"}")
			.json().get("key").asString();
		assertThat(api.withKey(key).get("/api/v1/connections").status()).isEqualTo(403);
	}

	FakeCrm crm(FakeCrm.Kind kind, String token) {
		return bots.crm(kind, token);
	}

	String connection(String json) {
		return bots.connection(json);
	}

	String template(String connection, String ifMissing) {
		return bots.template(connection, ifMissing);
	}

	String newChat(String phone) {
		return bots.newChat(phone);
	}

	void assign(String chat, MemberId member) {
		bots.assign(chat, member);
	}

	JsonNode lastRun(String bot, int runs) {
		return bots.lastRun(bot, runs);
	}
}
