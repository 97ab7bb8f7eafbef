package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
import io.handoff.support.MutableClock;

/** The Assign Agent step: a member, round robin, least busy, conditions, and runs that survive their node. */
@IntegrationTest
class AssignAgentIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	CustomerService customers;

	@Autowired
	ChatService chats;

	@Autowired
	Runner runner;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	Fixtures.Workspace ws;

	Api api;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
	}

	@AfterEach
	void tearDown() {
		clock.reset();
		if (!runner.isRunning()) {
			runner.start();
		}
	}

	@Test
	void roundRobinTakesTurnsFairlyUnderConcurrentRuns() throws Exception {
		Bot bot = bot("""
				{"type": "assign_agent", "name": "Route", "config": {"strategy": "round_robin", "pool": ["%s", "%s", "%s"]}}"""
			.formatted(ws.anita().id(), ws.john().id(), ws.rahul().id()));
		List<String> chatIds = openChats(90);
		try (var senders = java.util.concurrent.Executors.newFixedThreadPool(8)) {
			for (String chat : chatIds) {
				senders.execute(() -> assertThat(Hooks.postJson(bot.url(), "{\"chatId\": \"" + chat + "\"}").status())
					.isEqualTo(202));
			}
		}
		awaitRuns(bot.id(), 90);
		assertThat(assigneesOf(chatIds)).containsOnly(Map.entry(ws.anita().id().value(), 30L),
				Map.entry(ws.john().id().value(), 30L), Map.entry(ws.rahul().id().value(), 30L));
		JsonNode history = api.get("/api/v1/chats/" + chatIds.getFirst() + "/assignments").json();
		assertThat(history.at("/data/0/source").asString()).isEqualTo("bot_workflow");
		assertThat(history.at("/data/0/actor/type").asString()).isEqualTo("bot");
		assertThat(history.at("/data/0/actor/id").asString()).isEqualTo(bot.id());
	}

	@Test
	void leastBusyPicksTheMemberWithFewestOpenChatsAndTakesTurnsOnTies() {
		Bot bot = bot("""
				{"type": "assign_agent", "config": {"strategy": "least_busy", "pool": ["%s", "%s", "%s"]}}"""
			.formatted(ws.anita().id(), ws.john().id(), ws.rahul().id()));
		List<String> held = openChats(3);
		assign(held.get(0), ws.anita().id());
		assign(held.get(1), ws.anita().id());
		assign(held.get(2), ws.john().id());

		List<String> chosen = new ArrayList<>();
		for (String chat : openChats(4)) {
			String run = Hooks.postJson(bot.url(), "{\"chatId\": \"" + chat + "\"}").json().get("runId").asString();
			JsonNode finished = finished(bot.id(), run);
			assertThat(finished.get("status").asString()).as(finished.toString()).isEqualTo("succeeded");
			chosen.add(finished.at("/steps/0/output/memberId").asString());
		}
		// Open chats before each pick: anita 2, john 1, rahul 0 → rahul; then john 1, rahul 1 (a tie, turns) → john;
		// then john 2, rahul 1 → rahul; then all hold 2 → the turn after rahul wraps to anita.
		assertThat(chosen).containsExactly(ws.rahul().id().value(), ws.john().id().value(), ws.rahul().id().value(),
				ws.anita().id().value());
	}

	@Test
	void onlyOnlineMembersAndOnlyMembersWithARoleOnTheNumberAreChosen() {
		Api.Response offline = api.put("/api/v1/members/" + ws.john().id() + "/availability", "{\"availability\": \"offline\"}");
		assertThat(offline.status()).as(offline.body()).isEqualTo(200);
		assertThat(offline.json().get("availability").asString()).isEqualTo("offline");
		// Sara has no role on the Support number, John is offline: only Anita remains.
		Bot bot = bot("""
				{"type": "assign_agent", "config": {"strategy": "round_robin", "onlineOnly": true, "pool": ["%s", "%s", "%s"]}}"""
			.formatted(ws.john().id(), ws.sara().id(), ws.anita().id()));
		for (String chat : openChats(3)) {
			String run = Hooks.postJson(bot.url(), "{\"chatId\": \"" + chat + "\"}").json().get("runId").asString();
			assertThat(finished(bot.id(), run).at("/steps/0/output/memberId").asString()).isEqualTo(ws.anita().id().value());
		}
		assertThat(api.put("/api/v1/members/" + ws.anita().id() + "/availability", "{\"availability\": \"busy\"}")
			.status()).isEqualTo(200);
		String chat = openChats(1).getFirst();
		JsonNode failed = finished(bot.id(),
				Hooks.postJson(bot.url(), "{\"chatId\": \"" + chat + "\"}").json().get("runId").asString());
		assertThat(failed.get("status").asString()).isEqualTo("failed");
		assertThat(failed.get("error").asString()).contains("No member of the pool can take this chat");
		assertThat(api.get("/api/v1/chats/" + chat).json().get("assigneeId").isNull()).isTrue();
	}

	@Test
	void conditionsSkipStepsAndAHeldChatIsLeftAlone() {
		Bot bot = bot("""
				{"id": "vip", "type": "assign_agent", "condition": {"variable": "tier", "operator": "equals", "value": "vip"},
				 "config": {"strategy": "member", "memberId": "%s"}},
				{"id": "everyone", "type": "assign_agent", "config": {"strategy": "member", "memberId": "%s"}}"""
			.formatted(ws.anita().id(), ws.john().id()));
		List<String> open = openChats(3);
		JsonNode vip = finished(bot.id(), run(bot, "{\"chatId\": \"%s\", \"tier\": \"vip\"}".formatted(open.get(0))));
		assertThat(vip.at("/steps/0/status").asString()).isEqualTo("succeeded");
		assertThat(vip.at("/steps/1/summary").asString()).contains("already assigned");
		assertThat(api.get("/api/v1/chats/" + open.get(0)).json().get("assigneeId").asString())
			.isEqualTo(ws.anita().id().value());

		JsonNode regular = finished(bot.id(), run(bot, "{\"chatId\": \"%s\", \"tier\": \"basic\"}".formatted(open.get(1))));
		assertThat(regular.at("/steps/0/status").asString()).isEqualTo("skipped");
		assertThat(regular.at("/steps/0/summary").asString()).contains("tier equals 'vip'");
		assertThat(api.get("/api/v1/chats/" + open.get(1)).json().get("assigneeId").asString())
			.isEqualTo(ws.john().id().value());

		assign(open.get(2), ws.rahul().id());
		run(bot, "{\"chatId\": \"%s\", \"tier\": \"vip\"}".formatted(open.get(2)));
		awaitRuns(bot.id(), 3);
		assertThat(api.get("/api/v1/chats/" + open.get(2)).json().get("assigneeId").asString())
			.as("a bot workflow does not take a chat someone holds").isEqualTo(ws.rahul().id().value());
	}

	@Test
	void anAcknowledgedRequestIsRunEvenIfNoNodeWasRunningThen() {
		Bot bot = bot("""
				{"type": "assign_agent", "config": {"strategy": "member", "memberId": "%s"}}""".formatted(ws.john().id()));
		String chat = openChats(1).getFirst();
		runner.stop();
		Api.Response accepted = Hooks.postJson(bot.url(), "{\"chatId\": \"" + chat + "\"}");
		assertThat(accepted.status()).isEqualTo(202);
		String run = accepted.json().get("runId").asString();
		assertThat(jdbc.sql("SELECT status FROM bot_runs WHERE id = :id").param("id", run).query(String.class).single())
			.as("stored before the answer").isEqualTo("queued");

		runner.start();
		assertThat(finished(bot.id(), run).get("status").asString()).isEqualTo("succeeded");
	}

	@Test
	void aRunWhoseNodeDiedResumesAfterItsLeaseWithoutRepeatingDoneSteps() {
		Bot bot = bot("""
				{"id": "first", "type": "assign_agent", "config": {"strategy": "round_robin", "pool": ["%s", "%s"]}},
				{"id": "second", "type": "assign_agent", "config": {"strategy": "member", "memberId": "%s", "skipIfAssigned": false}}"""
			.formatted(ws.anita().id(), ws.john().id(), ws.rahul().id()));
		String chat = openChats(1).getFirst();
		runner.stop();
		String run = run(bot, "{\"chatId\": \"" + chat + "\"}");
		// A node took the run, finished its first step, and died: its lease is out, the log has the first step.
		jdbc.sql("""
				UPDATE bot_runs SET status = 'running', lease_owner = 'dead-node', tries = 1,
				    lease_expires_at = now() - interval '1 minute', variables = :variables,
				    steps = '[{"stepId": "first", "type": "assign_agent", "status": "succeeded", "summary": "done before",
				               "output": {"memberId": "x"}, "startedAt": "2026-01-01T00:00:00Z", "durationMs": 1}]'
				WHERE id = :id""")
			.param("id", run)
			.param("variables", "{\"values\": {\"chatId\": \"" + chat + "\"}, \"problems\": []}")
			.update();
		runner.start();

		JsonNode resumed = finished(bot.id(), run);
		assertThat(resumed.get("status").asString()).isEqualTo("succeeded");
		assertThat(resumed.get("tries").asInt()).isEqualTo(2);
		assertThat(resumed.get("steps").valueStream().map(s -> s.get("stepId").asString())).containsExactly("first", "second");
		assertThat(resumed.at("/steps/0/summary").asString()).isEqualTo("done before");
		JsonNode history = api.get("/api/v1/chats/" + chat + "/assignments").json();
		assertThat(history.get("data").size()).as("only the second step assigned").isEqualTo(1);
		assertThat(history.at("/data/0/to/id").asString()).isEqualTo(ws.rahul().id().value());
	}

	@Test
	void runsCanBeListedFilteredAndRerun() {
		Bot bot = bot("""
				{"type": "assign_agent", "config": {"strategy": "member", "memberId": "%s", "skipIfAssigned": false}}"""
			.formatted(ws.john().id()));
		String chat = openChats(1).getFirst();
		String ok = run(bot, "{\"chatId\": \"" + chat + "\"}");
		String bad = run(bot, "{\"chatId\": \"chat_00000000000000000000000000\"}");
		finished(bot.id(), ok);
		JsonNode failed = finished(bot.id(), bad);
		assertThat(failed.get("error").asString()).contains("chat_00000000000000000000000000");

		assertThat(api.get("/api/v1/bots/" + bot.id() + "/runs?status=failed").json().get("data")
			.valueStream().map(r -> r.get("id").asString())).containsExactly(bad);
		JsonNode page = api.get("/api/v1/bots/" + bot.id() + "/runs?limit=1").json();
		assertThat(page.get("data").size()).isEqualTo(1);
		assertThat(page.get("hasMore").asBoolean()).isTrue();

		Api.Response again = api.post("/api/v1/bots/" + bot.id() + "/runs/" + ok + "/rerun", null);
		assertThat(again.status()).isEqualTo(202);
		JsonNode rerun = finished(bot.id(), again.json().get("id").asString());
		assertThat(rerun.get("trigger").asString()).isEqualTo("rerun");
		assertThat(rerun.get("rerunOf").asString()).isEqualTo(ok);
		assertThat(rerun.get("status").asString()).isEqualTo("succeeded");
	}

	/** An active On Webhook bot whose chatId (and tier) come from the body, with the given steps. */
	Bot bot(String steps) {
		JsonNode created = api.post("/api/v1/bots", "{\"name\": \"Router\", \"status\": \"active\"}").json();
		String id = created.get("id").asString();
		Api.Response mapped = api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "chatId", "path": "/body/chatId", "required": true}, {"name": "tier", "path": "/body/tier"}]""");
		assertThat(mapped.status()).as(mapped.body()).isEqualTo(200);
		Api.Response flow = api.put("/api/v1/bots/" + id + "/steps", "[" + steps + "]");
		assertThat(flow.status()).as(flow.body()).isEqualTo(200);
		return new Bot(id, created.at("/trigger/hookUrl").asString());
	}

	record Bot(String id, String url) {
	}

	String run(Bot bot, String body) {
		Api.Response accepted = Hooks.postJson(bot.url(), body);
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		return accepted.json().get("runId").asString();
	}

	List<String> openChats(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			var customer = customers.create(ws.id(), "Customer " + i,
					"+9198" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999)));
			ids.add(chats.open(ws.id(), ws.support().id(), customer.id()).id().value());
		}
		return ids;
	}

	void assign(String chat, MemberId member) {
		assertThat(api.post("/api/v1/chats/" + chat + "/assignment", "{\"memberId\": \"" + member + "\"}").status())
			.isEqualTo(200);
	}

	Map<String, Long> assigneesOf(List<String> chatIds) {
		return jdbc.sql("SELECT assignee_id FROM chats WHERE id IN (:ids)")
			.param("ids", chatIds)
			.query(String.class)
			.list()
			.stream()
			.collect(Collectors.groupingBy(a -> a, Collectors.counting()));
	}

	void awaitRuns(String bot, int count) {
		Await.until(count + " runs of " + bot + " to finish", () -> jdbc.sql("""
				SELECT count(*) FROM bot_runs WHERE bot_id = :bot AND status IN ('succeeded', 'failed')""")
			.param("bot", bot)
			.query(Integer.class)
			.single() == count);
	}

	JsonNode finished(String bot, String run) {
		return Await.value("run " + run + " to finish", () -> api.get("/api/v1/bots/" + bot + "/runs/" + run).json(),
				r -> r.get("status").asString().equals("succeeded") || r.get("status").asString().equals("failed"));
	}
}
