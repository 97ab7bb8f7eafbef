package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.MemberId;
import io.handoff.platform.GuardedHttp;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;
import io.handoff.support.SocketReceiver;
import io.handoff.support.SocketReceiver.Kind;

/**
 * Deliveries to receivers that behave like real servers do: connections closed after every response, after a second
 * of idleness, on {@code Connection: close}, or reset. A connection Handoff reused after the server closed it must
 * never cost a delivery its try.
 */
@IntegrationTest
class ReceiverKindsIT {

	private static final int CHATS = 10;
	private static final int ASSIGNMENTS = 200;

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	CustomerService customers;

	@Autowired
	GuardedHttp http;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	Fixtures.Workspace ws;

	List<ChatId> chatIds;

	SocketReceiver receiver;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		chatIds = new ArrayList<>();
		for (int i = 0; i < CHATS; i++) {
			var customer = customers.create(ws.id(), "Customer " + i, "+91911100%04d".formatted(i));
			chatIds.add(chats.open(ws.id(), ws.support().id(), customer.id()).id());
		}
	}

	@AfterEach
	void tearDown() {
		if (receiver != null) {
			receiver.close();
		}
		clock.reset();
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "KEEP_ALIVE", "HTTP_1_0", "CONNECTION_CLOSE", "IDLE_CLOSE_1S" })
	void everyAssignmentArrivesOnceInOrderWithoutALostTry(Kind kind) throws Exception {
		receiver = SocketReceiver.start(kind);
		String ordered = endpoint("/ordered", "per_chat");
		String unordered = endpoint("/any", "none");

		reassign(ASSIGNMENTS);
		long lastAssignment = System.nanoTime();

		Await.until("every event reaches both endpoints", Duration.ofSeconds(5),
				() -> distinctIds("/ordered").size() == ASSIGNMENTS && distinctIds("/any").size() == ASSIGNMENTS);
		Duration took = Duration.ofNanos(System.nanoTime() - lastAssignment);
		assertThat(took).as("from the last assignment to the last arrival").isLessThan(Duration.ofSeconds(5));
		assertInChatOrder("/ordered", CHATS);
		Await.until("every delivery is recorded", () -> succeeded(ordered) + succeeded(unordered) == 2 * ASSIGNMENTS);
		assertThat(failedTries(ordered, unordered)).as("tries that did not succeed").isZero();

		if (kind == Kind.IDLE_CLOSE_1S) {
			// Connections now sit in the pool, closed by the receiver after a second: the next sends reuse them.
			long resentBefore = http.resentOnNewConnection();
			Thread.sleep(1500);
			reassign(CHATS);
			Await.until("the sends after the pause arrive", () -> distinctIds("/ordered").size() == ASSIGNMENTS + CHATS
					&& distinctIds("/any").size() == ASSIGNMENTS + CHATS);
			Await.until("and are recorded", () -> succeeded(ordered) + succeeded(unordered) == 2 * (ASSIGNMENTS + CHATS));
			assertThat(failedTries(ordered, unordered)).isZero();
			assertThat(http.resentOnNewConnection()).as("sends that met a closed connection went out again")
				.isGreaterThan(resentBefore);
		}
	}

	@Test
	void aReceiverThatResetsIsRetriedOnTheSchedule() {
		receiver = SocketReceiver.start(Kind.RESET_AFTER_HEADERS);
		String ordered = endpoint("/ordered", "per_chat");
		String unordered = endpoint("/any", "none");

		reassign(CHATS);

		// Each chat's first event is tried once per endpoint, then waits for the schedule's first delay (5 s).
		Await.until("every head has been tried", () -> tried(ordered) == CHATS && tried(unordered) == CHATS);
		List<Map<String, Object>> waiting = jdbc.sql("""
				SELECT last_outcome, attempts, extract(epoch FROM next_attempt_at - updated_at) AS wait
				FROM deliveries WHERE endpoint_id IN (:ordered, :unordered)""")
			.param("ordered", ordered)
			.param("unordered", unordered)
			.query()
			.listOfRows();
		assertThat(waiting).hasSize(2 * CHATS).allSatisfy(row -> {
			assertThat(row.get("last_outcome")).isEqualTo("connection_reset");
			assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
			assertThat(((Number) row.get("wait")).doubleValue()).isBetween(3.9, 6.1);
		});
		// A genuine failure is not sent twice: one reset per try.
		assertThat(receiver.resets()).isEqualTo(2 * CHATS);
	}

	@Test
	void aReceiverBackFromAnOutageGetsItsBacklogAtOnce() {
		receiver = SocketReceiver.start(Kind.KEEP_ALIVE);
		receiver.down(true);
		String ordered = endpoint("/ordered", "per_chat");
		reassign(3 * CHATS);
		// Each chat's head fails twice and then waits for the schedule's next delay, five minutes.
		Await.until("every head failed once", () -> countWhere(ordered, "attempts = 1 AND status = 'pending'") == CHATS);
		clock.advance(Duration.ofSeconds(7));
		Await.until("and twice", () -> countWhere(ordered, "attempts = 2 AND status = 'pending'") == CHATS);
		assertThat(countWhere(ordered, "next_attempt_at > now() + interval '3 minutes'")).isEqualTo(CHATS);

		receiver.down(false);
		// The first success: a chat that had nothing waiting.
		var newcomer = customers.create(ws.id(), "Newcomer", "+919111099999");
		chats.assign(ws.id(), chats.open(ws.id(), ws.support().id(), newcomer.id()).id(), ws.john().id(),
				ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));
		try {
			Await.until("the newcomer's event arrives", () -> !distinctIds("/ordered").isEmpty());
		}
		catch (AssertionError e) {
			throw new AssertionError(e.getMessage() + "; deliveries: " + jdbc.sql("""
					SELECT status, attempts, last_outcome, next_attempt_at > now() AS later, lease_owner, count(*)
					FROM deliveries WHERE endpoint_id = :e GROUP BY 1, 2, 3, 4, 5""").param("e", ordered).query()
				.listOfRows() + "; received " + receiver.received().size() + ", connections " + receiver.connections(), e);
		}
		long firstSuccess = System.nanoTime();

		Await.until("the backlog drains", Duration.ofSeconds(10),
				() -> distinctIds("/ordered").size() == 3 * CHATS + 1);
		assertThat(Duration.ofNanos(System.nanoTime() - firstSuccess)).isLessThan(Duration.ofSeconds(10));
		assertInChatOrder("/ordered", CHATS + 1);
	}

	private int countWhere(String endpoint, String condition) {
		return jdbc.sql("SELECT count(*) FROM deliveries WHERE endpoint_id = :e AND " + condition)
			.param("e", endpoint)
			.query(Integer.class)
			.single();
	}

	private String endpoint(String path, String ordering) {
		Api.Response created = ws.api().post("/api/v1/webhooks", """
				{"name": "%s", "url": "%s", "eventTypes": ["chat.assigned"], "ordering": "%s"}"""
			.formatted(path, receiver.url(path), ordering));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().at("/endpoint/id").asString();
	}

	/** Reassigns the chats in turn, each to a different agent than it has. */
	private void reassign(int count) {
		List<MemberId> agents = List.of(ws.john().id(), ws.rahul().id(), ws.anita().id());
		ChatService.Origin lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		for (int i = 0; i < count; i++) {
			ChatId chat = chatIds.get(i % CHATS);
			MemberId assignee = chats.get(ws.id(), chat, "chatId").assigneeId();
			int current = assignee == null ? -1 : agents.indexOf(assignee);
			var assignment = chats.assign(ws.id(), chat, agents.get((current + 1) % agents.size()), lead);
			assertThat(assignment.changed()).isTrue();
		}
	}

	private Set<String> distinctIds(String path) {
		Set<String> ids = new LinkedHashSet<>();
		receiver.received().stream().filter(r -> r.path().equals(path)).forEach(r -> ids.add(r.header("webhook-id")));
		return ids;
	}

	/** Per chat, the first arrival of each event comes in sequence order. */
	private void assertInChatOrder(String path, int chatCount) {
		Map<String, List<Long>> byChat = new HashMap<>();
		Set<String> seen = new LinkedHashSet<>();
		for (SocketReceiver.Received r : receiver.received()) {
			if (r.path().equals(path) && seen.add(r.header("webhook-id"))) {
				JsonNode data = Api.parse(r.body()).get("data");
				byChat.computeIfAbsent(data.get("chatId").asString(), k -> new ArrayList<>()).add(data.get("sequence").asLong());
			}
		}
		assertThat(byChat).hasSize(chatCount);
		byChat.values().forEach(sequences -> assertThat(sequences).isSorted().doesNotHaveDuplicates());
	}

	private int succeeded(String endpoint) {
		return jdbc.sql("SELECT count(*) FROM deliveries WHERE endpoint_id = :e AND status = 'succeeded'")
			.param("e", endpoint)
			.query(Integer.class)
			.single();
	}

	private int tried(String endpoint) {
		return jdbc.sql("SELECT count(*) FROM deliveries WHERE endpoint_id = :e AND attempts = 1 AND status = 'pending'")
			.param("e", endpoint)
			.query(Integer.class)
			.single();
	}

	private int failedTries(String... endpoints) {
		return jdbc.sql("""
				SELECT count(*) FROM delivery_attempts WHERE endpoint_id IN (:endpoints) AND outcome <> 'success'""")
			.param("endpoints", List.of(endpoints))
			.query(Integer.class)
			.single();
	}
}
