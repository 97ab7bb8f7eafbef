package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.FreshDatabase;
import io.handoff.support.NodeProcess;

/**
 * Handoff nodes as separate processes on one PostgreSQL: they share the queue without a coordinator, and a node killed
 * with SIGKILL in the middle of a run loses nothing.
 */
class MultiNodeIT {

	@TempDir
	Path dir;

	MockWebServer receiver;

	final Set<String> delivered = ConcurrentHashMap.newKeySet();

	final AtomicInteger requests = new AtomicInteger();

	String database;

	@BeforeEach
	void setUp() throws Exception {
		database = FreshDatabase.create("nodes");
		receiver = new MockWebServer();
		receiver.start();
	}

	@AfterEach
	void tearDown() {
		receiver.close();
	}

	@Test
	void noEventIsLostWhenANodeIsKilledMidRun() {
		receiver.setDispatcher(receiverTaking(100));
		int events;
		try (NodeProcess a = NodeProcess.start("node-a", database, dir, "--handoff.demo=true",
				"--handoff.delivery.lease=3s", "--handoff.delivery.per-endpoint-concurrency=2")) {
			Api api = new Api(a.baseUrl(), a.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			subscribe(api);
			events = assignRepeatedly(api, 12);
			Await.until("node-a has delivered some", () -> delivered.size() >= 10);
			assertThat(delivered.size()).as("still under way when killed").isLessThan(events);
			a.kill();
		}
		int deliveredByA = delivered.size();

		try (NodeProcess b = NodeProcess.start("node-b", database, dir, "--handoff.delivery.lease-check-interval=500ms")) {
			try {
				Await.until("every event is delivered", () -> delivered.containsAll(eventIds()));
			}
			catch (AssertionError e) {
				List<String> states = new ArrayList<>();
				query("SELECT status, last_outcome, lease_owner, count(*) FROM deliveries GROUP BY 1, 2, 3",
						rs -> states.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3) + ": " + rs.getLong(4)));
				throw new AssertionError(e.getMessage() + ": " + delivered.size() + " of " + eventIds().size()
						+ " delivered; deliveries " + states + "; node-b says:\n" + b.tail(), e);
			}
		}

		assertThat(eventIds()).hasSize(events);
		assertThat(delivered).containsAll(eventIds());
		assertThat(deliveredByA).isPositive();
		assertThat(attemptsByNode()).containsKey("node-b");
	}

	@Test
	void twoNodesShareTheWork() {
		receiver.setDispatcher(receiverTaking(20));
		try (NodeProcess a = NodeProcess.start("node-a", database, dir, "--handoff.demo=true",
				"--handoff.delivery.per-endpoint-concurrency=3");
				NodeProcess b = NodeProcess.start("node-b", database, dir,
						"--handoff.delivery.per-endpoint-concurrency=3")) {
			Api api = new Api(a.baseUrl(), a.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			subscribe(api);
			// Assignments go to both nodes' APIs; either node's dispatcher may send any of them.
			int events = assignRepeatedly(api, 8) + assignRepeatedly(new Api(b.baseUrl(), api.key()), 8);

			Await.until("every event is delivered", () -> delivered.size() == events);
		}

		Map<String, Long> byNode = attemptsByNode();
		assertThat(byNode.keySet()).containsExactlyInAnyOrder("node-a", "node-b");
		assertThat(byNode.values()).allMatch(n -> n > 0);
		// Without a crash each delivery is sent by exactly one node, once.
		assertThat(requests.get()).isEqualTo(delivered.size());
	}

	@Test
	void aKilledNodesChatsMoveAgainWithin20Seconds() {
		receiver.setDispatcher(receiverTaking(2000));
		try (NodeProcess a = NodeProcess.start("node-a", database, dir, "--handoff.demo=true");
				NodeProcess b = NodeProcess.start("node-b", database, dir)) {
			Api api = new Api(a.baseUrl(), a.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			Api.Response created = api.post("/api/v1/webhooks", """
					{"name": "Receiver", "url": "%s", "eventTypes": ["chat.assigned"], "ordering": "per_chat"}"""
				.formatted(receiver.url("/hook")));
			assertThat(created.status()).as(created.body()).isEqualTo(201);
			int events = assignRepeatedly(api, 3);

			Await.until("node-a is sending", () -> heldBy("node-a").size() > 0);
			List<String> held = heldBy("node-a");
			a.kill();
			long killed = System.nanoTime();

			Await.until("node-a's deliveries are taken over", Duration.ofSeconds(25),
					() -> held.stream().noneMatch(heldBy("node-a")::contains));
			Duration movedAfter = Duration.ofNanos(System.nanoTime() - killed);
			assertThat(movedAfter).as("from the kill to the takeover").isLessThan(Duration.ofSeconds(20));
			Await.until("every event is delivered", Duration.ofSeconds(60), () -> delivered.size() == events);
		}
	}

	private List<String> heldBy(String node) {
		List<String> ids = new ArrayList<>();
		query("SELECT id FROM deliveries WHERE status = 'pending' AND lease_owner = '" + node + "'",
				rs -> ids.add(rs.getString(1)));
		return ids;
	}

	private Dispatcher receiverTaking(long millis) {
		return new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				requests.incrementAndGet();
				TimeUnit.MILLISECONDS.sleep(millis);
				delivered.add(request.getHeaders().get("webhook-id"));
				return new MockResponse.Builder().code(200).build();
			}
		};
	}

	private void subscribe(Api api) {
		Api.Response created = api.post("/api/v1/webhooks", """
				{"name": "Receiver", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(receiver.url("/hook")));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
	}

	/** Reassigns every open chat back and forth between two agents; answers how many changes were made. */
	private static int assignRepeatedly(Api api, int rounds) {
		List<String> chats = new ArrayList<>();
		for (JsonNode chat : api.get("/api/v1/chats?status=open&limit=200").json().get("data")) {
			chats.add(chat.get("id").asString());
		}
		int changes = 0;
		for (int round = 0; round < rounds; round++) {
			String email = round % 2 == 0 ? "anita@acme.example" : "john@acme.example";
			for (String chat : chats) {
				Api.Response response = api.post("/api/v1/chats/" + chat + "/assignment", """
						{"memberEmail": "%s"}""".formatted(email));
				assertThat(response.status()).as(response.body()).isEqualTo(200);
				changes += response.json().get("changed").asBoolean() ? 1 : 0;
			}
		}
		return changes;
	}

	private Set<String> eventIds() {
		Set<String> ids = new HashSet<>();
		// Only the assignments made since the receiver subscribed: the demo workspace starts with a few of its own.
		query("SELECT id FROM events WHERE type = 'chat.assigned' AND NOT test"
				+ " AND occurred_at >= (SELECT min(created_at) FROM webhook_endpoints)", rs -> ids.add(rs.getString(1)));
		return ids;
	}

	private Map<String, Long> attemptsByNode() {
		Map<String, Long> counts = new HashMap<>();
		query("SELECT node, count(*) FROM delivery_attempts GROUP BY node", rs -> counts.put(rs.getString(1), rs.getLong(2)));
		return counts;
	}

	private interface Row {
		void accept(ResultSet rs) throws SQLException;
	}

	private void query(String sql, Row row) {
		try (Connection connection = DriverManager.getConnection(database);
				ResultSet rs = connection.createStatement().executeQuery(sql)) {
			while (rs.next()) {
				row.accept(rs);
			}
		}
		catch (SQLException e) {
			throw new IllegalStateException(e);
		}
	}
}
