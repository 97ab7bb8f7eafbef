package io.handoff.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.MemberId;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * CRM owner sync against local servers that store phones as people type them and search them as each CRM does: the
 * same customer's number in seven formats is found in HubSpot, Salesforce and Zoho, a look-alike number never is, the
 * requests are the ones each CRM documents, and {@code ifMissing: create} creates a customer once however often the
 * chat is reassigned.
 */
@IntegrationTest
class CrmPhoneMatchingIT {

	/** Seven customers of an Indian business, each number stored in another format. */
	static final Map<String, String> STORED = new LinkedHashMap<>();

	static {
		STORED.put("+919111222330", "+919111222330");
		STORED.put("+919111222331", "919111222331");
		STORED.put("+919111222332", "+91 91112 22332");
		STORED.put("+919111222333", "+91-91112-22333");
		STORED.put("+919111222334", "(+91) 9111 222 334");
		STORED.put("+919111222335", "09111 222335");
		STORED.put("+919111222336", "91112 22336");
	}

	@Autowired
	Fixtures fixtures;

	@Autowired
	CustomerService customers;

	@Autowired
	ChatService chats;

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

	@ParameterizedTest
	@EnumSource(FakeCrm.Kind.class)
	void findsTheCustomerInEveryFormatAndNeverALookAlike(FakeCrm.Kind kind) {
		FakeCrm crm = crm(kind);
		Map<String, String> records = new LinkedHashMap<>();
		STORED.forEach((customer, typed) -> records.put(customer, crm.addRecord(typed, "900")));
		// The same ten digits in the United States, and one digit off.
		String american = crm.addRecord("+1 911-122-2333", "900");
		String oneOff = crm.addRecord("+91 91112 22339", "900");
		String bot = template(connection(kind), "skip");

		List<String> chatIds = new ArrayList<>();
		// The workspace's own chat is with +919111222333.
		STORED.keySet().forEach(customer -> chatIds.add(customer.equals("+919111222333") ? ws.chat().id().value()
				: newChat(customer)));
		chatIds.forEach(chat -> assign(chat, ws.john().id()));

		records.forEach((customer, record) -> Await.until(customer + " stored as '" + STORED.get(customer) + "' owned by John",
				() -> "101".equals(crm.records.get(record)[1])));
		runs(bot, STORED.size());
		assertThat(crm.records.get(american)[1]).isEqualTo("900");
		assertThat(crm.records.get(oneOff)[1]).isEqualTo("900");

		JsonNode withLookAlike = runs(bot, STORED.size()).stream()
			.filter(r -> r.at("/steps/0/output/recordId").asString("").equals(records.get("+919111222333")))
			.findFirst()
			.orElseThrow();
		JsonNode candidates = withLookAlike.at("/steps/0/output/candidates");
		assertThat(candidates.valueStream().filter(c -> c.has("matched")).map(c -> c.get("id").asString()))
			.containsExactly(records.get("+919111222333"));
		assertThat(candidates.valueStream().filter(c -> c.get("id").asString().equals(american)).findFirst())
			.hasValueSatisfying(c -> assertThat(c.get("rejected").asString()).contains("no phone is +919111222333"));
		assertThat(withLookAlike.at("/steps/0/output/chosen/why").asString()).isEqualTo("the only match");
	}

	@Test
	void hubspotIsSearchedOnItsCalculatedNumbers() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT);
		crm.addRecord("09111 222333", "900");
		template(connection(FakeCrm.Kind.HUBSPOT), "skip");
		assign(ws.chat().id().value(), ws.john().id());
		Await.until("the contact is updated", () -> crm.calls.stream().anyMatch(c -> c.startsWith("PATCH ")));

		assertThat(crm.requests).contains("POST /crm/v3/objects/contacts/search {\"filterGroups\":["
				+ "{\"filters\":[{\"propertyName\":\"hs_searchable_calculated_phone_number\",\"operator\":\"EQ\",\"value\":\"9111222333\"}]},"
				+ "{\"filters\":[{\"propertyName\":\"hs_searchable_calculated_mobile_number\",\"operator\":\"EQ\",\"value\":\"9111222333\"}]},"
				+ "{\"filters\":[{\"propertyName\":\"hs_searchable_calculated_international_phone_number\",\"operator\":\"EQ\",\"value\":\"919111222333\"}]},"
				+ "{\"filters\":[{\"propertyName\":\"hs_searchable_calculated_international_mobile_number\",\"operator\":\"EQ\",\"value\":\"919111222333\"}]}],"
				+ "\"properties\":[\"hubspot_owner_id\",\"phone\",\"mobilephone\",\"email\",\"lastmodifieddate\"],"
				+ "\"sorts\":[{\"propertyName\":\"lastmodifieddate\",\"direction\":\"DESCENDING\"}],\"limit\":10}");
	}

	@Test
	void salesforceIsSearchedWithSoslInPhoneFieldsOnLeadsAndContacts() {
		FakeCrm crm = crm(FakeCrm.Kind.SALESFORCE);
		String contact = crm.addRecord("Contact", "+91 (911) 122-2333", "900", null, "2026-01-01T00:00:00.000+0000", null);
		template(connection(FakeCrm.Kind.SALESFORCE), "skip");
		assign(ws.chat().id().value(), ws.john().id());
		Await.until("the contact is updated", () -> "101".equals(crm.records.get(contact)[1]));

		assertThat(crm.requests).contains("GET /services/data/v60.0/search?q=FIND {9111222333} IN PHONE FIELDS RETURNING "
				+ "Lead(Id, OwnerId, Phone, MobilePhone, Email, LastModifiedDate WHERE IsConverted = false ORDER BY "
				+ "LastModifiedDate DESC LIMIT 10), Contact(Id, OwnerId, Phone, MobilePhone, Email, LastModifiedDate ORDER BY "
				+ "LastModifiedDate DESC LIMIT 10)");
		assertThat(crm.calls).contains("PATCH /services/data/v60.0/sobjects/Contact/" + contact);
	}

	@Test
	void zohoIsSearchedWithItsPhoneSearchOnLeadsAndContacts() {
		FakeCrm crm = crm(FakeCrm.Kind.ZOHO);
		String contact = crm.addRecord("Contacts", "+91 91112-22333", "900", null, "2026-01-01T10:00:00+05:30", null);
		template(connection(FakeCrm.Kind.ZOHO), "skip");
		assign(ws.chat().id().value(), ws.john().id());
		Await.until("the contact is updated", () -> "101".equals(crm.records.get(contact)[1]));

		assertThat(crm.requests).contains(
				"GET /crm/v6/Leads/search?phone=9111222333&fields=Owner,Phone,Mobile,Email,Modified_Time",
				"GET /crm/v6/Contacts/search?phone=9111222333&fields=Owner,Phone,Mobile,Email,Modified_Time");
		assertThat(crm.calls).contains("PUT /crm/v6/Contacts/" + contact);
	}

	@ParameterizedTest
	@EnumSource(FakeCrm.Kind.class)
	void twentyReassignmentsCreateTheCustomerOnce(FakeCrm.Kind kind) {
		FakeCrm crm = crm(kind);
		String bot = template(connection(kind), "create");
		String chat = newChat("+919812377001");
		List<MemberId> agents = List.of(ws.john().id(), ws.anita().id());
		for (int i = 0; i < 20; i++) {
			assign(chat, agents.get(i % 2));
			int runs = i + 1;
			runs(bot, runs);
		}
		assertThat(crm.countPhone("+919812377001")).isEqualTo(1);
		assertThat(crm.ownerOfPhone("+919812377001")).contains("102");
		List<JsonNode> all = runs(bot, 20);
		assertThat(all).allMatch(r -> r.get("status").asString().equals("succeeded"));
		assertThat(all.stream().filter(r -> r.at("/steps/0/output/action").asString().equals("created"))).hasSize(1);
		assertThat(all.getFirst().at("/steps/0/output/chosen/why").asString())
			.isEqualTo("the record this customer was matched to before");
	}

	@Test
	void ofSeveralMatchesThePreviousAgentsWinsAfterTheRememberedOneIsDeleted() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT);
		String newest = crm.addRecord("contact", "+91 91112 22333", "900", null, "2026-11-30T10:00:00.000Z", null);
		String older = crm.addRecord("contact", "09111222333", "900", null, "2026-11-01T10:00:00.000Z", null);
		String oldest = crm.addRecord("contact", "919111222333", "900", null, "2026-10-01T10:00:00.000Z", null);
		String bot = template(connection(FakeCrm.Kind.HUBSPOT), "skip");

		assign(ws.chat().id().value(), ws.john().id());
		JsonNode first = runs(bot, 1).getFirst();
		assertThat(first.at("/steps/0/output/recordId").asString()).isEqualTo(newest);
		assertThat(first.at("/steps/0/output/chosen/why").asString()).isEqualTo("of 3 matches, the most recently modified");

		// John's record is deleted in HubSpot, and the oldest duplicate happens to be his too.
		crm.records.remove(newest);
		crm.records.get(oldest)[1] = "101";
		assign(ws.chat().id().value(), ws.anita().id());
		JsonNode second = runs(bot, 2).getFirst();
		assertThat(second.at("/steps/0/output/note").asString()).contains("no longer exists; searched again");
		assertThat(second.at("/steps/0/output/recordId").asString()).isEqualTo(oldest);
		assertThat(second.at("/steps/0/output/chosen/why").asString())
			.isEqualTo("of 2 matches, the one owned by the chat's previous agent");
		assertThat(crm.records.get(oldest)[1]).isEqualTo("102");
		assertThat(crm.records.get(older)[1]).isEqualTo("900");
	}

	@Test
	void aNamedPropertyFindsARecordWhosePhoneIsAnotherNumber() {
		FakeCrm crm = crm(FakeCrm.Kind.HUBSPOT);
		String office = crm.addRecord("contact", "+91 22 4000 1234", "900", null, "2026-01-01T00:00:00.000Z", "919111222333");
		String bot = template(connection(FakeCrm.Kind.HUBSPOT), "skip");
		JsonNode steps = api.get("/api/v1/bots/" + bot).json().get("steps");
		((ObjectNode) steps.get(0).get("config")).put("matchProperty", "whatsapp_id");
		assertThat(api.put("/api/v1/bots/" + bot + "/steps", steps.toString()).status()).isEqualTo(200);

		assign(ws.chat().id().value(), ws.john().id());
		Await.until("the contact is found by whatsapp_id", () -> "101".equals(crm.records.get(office)[1]));
		assertThat(runs(bot, 1).getFirst().at("/steps/0/output/candidates/0/matched").asString())
			.isEqualTo("whatsapp_id is 919111222333");

		((ObjectNode) steps.get(0).get("config")).put("matchProperty", "whatsapp id; drop");
		Api.Response refused = api.put("/api/v1/bots/" + bot + "/steps", steps.toString());
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.json().at("/errors/0/field").asString()).endsWith("matchProperty");
	}

	FakeCrm crm(FakeCrm.Kind kind) {
		return bots.crm(kind, switch (kind) {
			case HUBSPOT -> "pat-na1-77777777";
			case ZOHO -> "1000.zoho.777777";
			case SALESFORCE -> "00D5g000004ABCD!AQ7";
		});
	}

	String connection(FakeCrm.Kind kind) {
		String json = switch (kind) {
			case HUBSPOT -> """
					{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "pat-na1-77777777"}}""";
			case ZOHO -> """
					{"type": "zoho", "name": "Zoho", "settings": {"baseUrl": "%s"}, "secrets": {"token": "1000.zoho.777777"}}""";
			case SALESFORCE -> """
					{"type": "salesforce", "name": "Salesforce", "settings": {"instanceUrl": "%s"},
					 "secrets": {"token": "00D5g000004ABCD!AQ7"}}""";
		};
		return bots.connection(json.formatted(server.url("/").toString().replaceAll("/$", "")));
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

	List<JsonNode> runs(String bot, int count) {
		return bots.runs(bot, count);
	}
}
