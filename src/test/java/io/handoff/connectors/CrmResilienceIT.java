package io.handoff.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.MemberId;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.SocketReceiver;

/**
 * CRM owner sync against a CRM that fails now and then, and against CRM servers that close connections: the lead owner
 * ends as the chat's current agent every time. Runs here use the connectors' real retry settings (four tries, waits
 * from half a second), so a run does meet failures its own tries cannot cover.
 */
@IntegrationTest
@TestPropertySource(properties = { "handoff.connectors.max-tries=4", "handoff.connectors.retry-base=500ms" })
class CrmResilienceIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	CustomerService customers;

	@Autowired
	ChatService chats;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	ConnectorProperties connectorProperties;

	Fixtures.Workspace ws;

	Api api;

	MockWebServer server;

	SocketReceiver socketServer;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		server = new MockWebServer();
		server.start();
		assertThat(connectorProperties.maxTries()).isEqualTo(4);
	}

	@AfterEach
	void tearDown() {
		server.close();
		if (socketServer != null) {
			socketServer.close();
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 11, 22, 33, 44, 55 })
	void aCrmFailingNowAndThenEndsWithEveryOwnerRight(long seed) {
		FakeCrm crm = crm("pat-na1-chaos-" + seed);
		server.setDispatcher(crm);
		Map<String, String> phones = chatsWithContacts(crm, 20, 60000);
		String bot = template(crm, server.url("/").toString());
		crm.chaos(0.3, seed);

		List<String> storm = new ArrayList<>(phones.keySet());
		Random random = new Random(seed);
		List<MemberId> agents = List.of(ws.john().id(), ws.anita().id(), ws.rahul().id());
		try (var senders = Executors.newFixedThreadPool(4)) {
			for (int i = 0; i < 200; i++) {
				String chat = storm.get(random.nextInt(storm.size()));
				MemberId agent = agents.get(random.nextInt(agents.size()));
				senders.execute(() -> assign(chat, agent));
			}
		}
		crm.failureRate = 0;

		Await.until("every CRM owner is the chat's current agent", Duration.ofMinutes(2),
				() -> wrongOwners(crm, phones).isEmpty());
		assertThat(failedRuns(bot)).as("runs that gave up").isZero();
	}

	@ParameterizedTest
	@EnumSource(value = SocketReceiver.Kind.class, names = { "KEEP_ALIVE", "HTTP_1_0", "CONNECTION_CLOSE", "IDLE_CLOSE_1S" })
	void aCrmServerThatClosesConnectionsLosesNoRun(SocketReceiver.Kind kind) throws Exception {
		FakeCrm crm = crm("pat-na1-kinds");
		socketServer = SocketReceiver.start(kind);
		socketServer.reply(crm::serve);
		Map<String, String> phones = chatsWithContacts(crm, 5, 70000);
		String bot = template(crm, socketServer.url("/"));
		List<String> chatIds = new ArrayList<>(phones.keySet());
		List<MemberId> agents = List.of(ws.john().id(), ws.anita().id());

		for (int round = 0; round < 4; round++) {
			for (String chat : chatIds) {
				assign(chat, agents.get(round % 2));
			}
			// Long enough for a server that closes idle connections after a second to have closed Handoff's.
			Thread.sleep(1200);
		}

		Await.until("every CRM owner is the chat's current agent", () -> wrongOwners(crm, phones).isEmpty());
		Await.until("every run succeeded", () -> jdbc.sql("""
				SELECT count(*) FROM bot_runs WHERE bot_id = :bot AND status = 'succeeded'""")
			.param("bot", bot).query(Integer.class).single() == 4 * chatIds.size());
		assertThat(jdbc.sql("SELECT coalesce(sum(waits), 0) FROM bot_runs WHERE bot_id = :bot")
			.param("bot", bot).query(Integer.class).single()).as("waits after failed calls").isZero();
		assertThat(jdbc.sql("""
				SELECT count(*) FROM bot_runs r, jsonb_array_elements(CAST(r.steps AS jsonb)) s,
				     jsonb_array_elements(s -> 'output' -> 'tries') t
				WHERE r.bot_id = :bot AND t ->> 'error' IS NOT NULL""")
			.param("bot", bot).query(Integer.class).single()).as("calls that failed").isZero();
	}

	private FakeCrm crm(String token) {
		FakeCrm crm = new FakeCrm(FakeCrm.Kind.HUBSPOT, token);
		crm.users.put("john@company.com", "101");
		crm.users.put("anita@company.com", "102");
		crm.users.put("rahul@company.com", "103");
		return crm;
	}

	/** Chats of new customers, each with a HubSpot contact owned by nobody yet; chat id → phone. */
	private Map<String, String> chatsWithContacts(FakeCrm crm, int count, int first) {
		Map<String, String> phones = new HashMap<>();
		for (int i = 0; i < count; i++) {
			String phone = "+9198124%05d".formatted(first + i);
			var customer = customers.create(ws.id(), "Customer " + phone, phone);
			phones.put(chats.open(ws.id(), ws.support().id(), customer.id()).id().value(), phone);
			crm.addRecord(phone, "0");
		}
		return phones;
	}

	private String template(FakeCrm crm, String baseUrl) {
		Api.Response connection = api.post("/api/v1/connections", """
				{"type": "hubspot", "name": "HubSpot", "settings": {"baseUrl": "%s"}, "secrets": {"token": "%s"}}"""
			.formatted(baseUrl, crm.token));
		assertThat(connection.status()).as(connection.body()).isEqualTo(201);
		Api.Response created = api.post("/api/v1/templates/crm-owner-sync", """
				{"connectionId": "%s", "ifMissing": "skip"}""".formatted(connection.json().get("id").asString()));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().at("/bot/id").asString();
	}

	private void assign(String chat, MemberId member) {
		Api.Response response = api.post("/api/v1/chats/" + chat + "/assignment", "{\"memberId\": \"" + member + "\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
	}

	private List<String> wrongOwners(FakeCrm crm, Map<String, String> phones) {
		Map<String, String> ownerIds = Map.of(ws.john().id().value(), "101", ws.anita().id().value(), "102",
				ws.rahul().id().value(), "103");
		List<String> wrong = new ArrayList<>();
		phones.forEach((chat, phone) -> {
			String assignee = chats.get(ws.id(), new io.handoff.inbox.ChatId(chat), "chatId").assigneeId().value();
			if (!crm.ownerOfPhone(phone).orElse("").equals(ownerIds.get(assignee))) {
				wrong.add(chat);
			}
		});
		return wrong;
	}

	private int failedRuns(String bot) {
		return jdbc.sql("SELECT count(*) FROM bot_runs WHERE bot_id = :bot AND status = 'failed'")
			.param("bot", bot).query(Integer.class).single();
	}
}
