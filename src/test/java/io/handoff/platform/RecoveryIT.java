package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * A node that heals itself, tested as an operator would break it, with separate processes: the JVM killed with
 * SIGKILL and started again on the same data directory; the embedded PostgreSQL killed under load; a node stopped
 * while it holds work. No committed assignment's event may go undelivered.
 */
class RecoveryIT {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@TempDir
	Path dir;

	MockWebServer receiver;

	final Set<String> delivered = ConcurrentHashMap.newKeySet();

	@BeforeEach
	void setUp() throws Exception {
		receiver = new MockWebServer();
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				delivered.add(request.getHeaders().get("webhook-id"));
				return new MockResponse.Builder().code(204).build();
			}
		});
		receiver.start();
	}

	@AfterEach
	void tearDown() {
		receiver.close();
	}

	@Test
	void afterSigkillTheNextStartOnTheSameDataSucceedsAndDeliversEverythingCommitted() throws Exception {
		NodeProcess first = NodeProcess.start("node", "", dir, "--handoff.demo=true");
		Api api = new Api(first.baseUrl(), first.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
		Instant subscribed = subscribe(api);
		assign(api, 3);
		first.kill();
		// Its PostgreSQL outlives it: the case that made the next start fail.
		ProcessHandle orphan = postmaster(dir.resolve("node-data")).orElseThrow();
		assertThat(orphan.isAlive()).isTrue();

		try (NodeProcess second = NodeProcess.start("node", "", dir, "--handoff.demo=true")) {
			assertThat(second.log()).contains("left by an earlier run still holds");
			assertThat(orphan.isAlive()).isFalse();
			Api again = api.withBase(second.baseUrl());
			Set<String> committed = eventIds(again, subscribed);
			assertThat(committed).isNotEmpty();
			awaitDelivered(again, committed, delivered, Duration.ofSeconds(30), second);
		}
	}

	@Test
	void whenItsDatabaseDiesTheNodeRestartsItAnswers503MeanwhileAndLosesNothing() throws Exception {
		// The watchdog waits 4 s before its first restart, so that the gap is long enough to be seen.
		try (NodeProcess node = NodeProcess.start("node", "", dir, "--handoff.demo=true",
				"--handoff.embedded-postgres.restart-delay=4s")) {
			Api api = new Api(node.baseUrl(), node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			Instant subscribed = subscribe(api);
			List<String> chats = openChats(api);
			List<Call> calls = new CopyOnWriteArrayList<>();
			List<Integer> readiness = new CopyOnWriteArrayList<>();
			AtomicBoolean going = new AtomicBoolean(true);
			Thread load = Thread.ofPlatform().start(() -> {
				for (int i = 0; going.get(); i++) {
					String email = (i / chats.size()) % 2 == 0 ? "anita@acme.example" : "john@acme.example";
					long started = System.nanoTime();
					Api.Response response = api.post("/api/v1/chats/" + chats.get(i % chats.size()) + "/assignment",
							"{\"memberEmail\": \"" + email + "\"}");
					calls.add(new Call(response.status(), response.contentType(),
							Duration.ofNanos(System.nanoTime() - started),
							response.status() == 200 && response.json().get("changed").asBoolean()));
				}
			});
			Thread probe = Thread.ofPlatform().start(() -> {
				while (going.get()) {
					readiness.add(status(node.baseUrl() + "/actuator/health/readiness"));
					sleep(100);
				}
			});
			sleep(1500);
			ProcessHandle postgres = postmaster(dir.resolve("node-data")).orElseThrow();
			postgres.destroyForcibly();
			node.awaitLog("Embedded PostgreSQL is back", Duration.ofSeconds(60));
			Await.until("ready again", Duration.ofSeconds(30),
					() -> status(node.baseUrl() + "/actuator/health/readiness") == 200);
			sleep(1500);
			going.set(false);
			load.join();
			probe.join();

			assertThat(node.log()).contains("stopped unexpectedly");
			assertThat(postmaster(dir.resolve("node-data")).orElseThrow().pid()).isNotEqualTo(postgres.pid());
			// While it was away: readiness said so, and requests were refused quickly, in words, never as a 500.
			assertThat(readiness).contains(503);
			assertThat(readiness.getLast()).isEqualTo(200);
			assertThat(calls).extracting(Call::status).as(() -> errors(node)).contains(200, 503).doesNotContain(500);
			assertThat(calls).filteredOn(c -> c.status() == 503)
				.allSatisfy(c -> assertThat(c.contentType()).startsWith("application/problem+json"))
				.allSatisfy(c -> assertThat(c.took()).isLessThan(Duration.ofMillis(2500)));
			assertThat(status(node.baseUrl() + "/actuator/health/liveness")).isEqualTo(200);
			// Everything acknowledged was kept and goes out.
			Set<String> committed = eventIds(api, subscribed);
			assertThat(committed).hasSizeGreaterThanOrEqualTo((int) calls.stream().filter(Call::changed).count());
			awaitDelivered(api, committed, delivered, Duration.ofSeconds(30), node);
		}
	}

	/**
	 * A node stopped while receivers are slow: it exits within its bound, gives its deliveries back, and the other
	 * node sends them within seconds rather than when their leases would have run out.
	 */
	@Test
	void aStoppedNodeReturnsWithinItsBoundAndAnotherNodeDeliversWhatItHeld() throws Exception {
		Set<String> slowOnce = ConcurrentHashMap.newKeySet();
		AtomicBoolean holdNew = new AtomicBoolean(true);
		java.util.concurrent.CountDownLatch hanging = new java.util.concurrent.CountDownLatch(1);
		Map<String, Instant> deliveredAt = new ConcurrentHashMap<>();
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				String id = request.getHeaders().get("webhook-id");
				// What node a sends first hangs; from then on, everything (node b's tries included) is answered.
				if (holdNew.get() && slowOnce.add(id)) {
					hanging.await(30, java.util.concurrent.TimeUnit.SECONDS);
				}
				deliveredAt.putIfAbsent(id, Instant.now());
				return new MockResponse.Builder().code(204).build();
			}
		});
		String database = FreshDatabase.create("stop");
		// A lease far longer than the test: only giving the work back can move it in time.
		String[] settings = { "--handoff.demo=true", "--handoff.delivery.lease=5m", "--handoff.webhooks.response-timeout=60s" };
		try (NodeProcess a = NodeProcess.start("a", database, dir, settings)) {
			Api api = new Api(a.baseUrl(), a.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			Instant subscribed = subscribe(api);
			assign(api, 1);
			Set<String> events = eventIds(api, subscribed);
			Await.until("node a holds deliveries in flight", Duration.ofSeconds(20),
					() -> slowOnce.size() >= Math.min(events.size(), 4));
			holdNew.set(false);
			try (NodeProcess b = NodeProcess.start("b", database, dir, "--handoff.delivery.lease=5m")) {
				Duration took = a.stop(Duration.ofSeconds(60));
				Instant stopped = Instant.now();
				assertThat(took).isLessThan(Duration.ofSeconds(15));
				assertThat(a.log()).contains("Gave back");
				awaitDelivered(api.withBase(b.baseUrl()), events, deliveredAt.keySet(), Duration.ofSeconds(20), b);
				Instant last = deliveredAt.values().stream().max(Instant::compareTo).orElseThrow();
				assertThat(Duration.between(stopped, last)).isLessThan(Duration.ofSeconds(5));
			}
		}
		finally {
			hanging.countDown();
		}
	}

	/** The node's ERROR lines, each with the first lines of its stack trace. */
	private static String errors(NodeProcess node) {
		StringBuilder out = new StringBuilder();
		String[] lines = node.log().split("\n");
		for (int i = 0; i < lines.length; i++) {
			if (lines[i].contains(" ERROR ")) {
				out.append(lines[i]).append('\n');
				for (int j = i + 1; j < Math.min(lines.length, i + 300) && !lines[j].startsWith("20"); j++) {
					if (!lines[j].startsWith("\tat ") || lines[j].contains("io.handoff")) {
						out.append(lines[j]).append('\n');
					}
				}
			}
		}
		return out.toString();
	}

	record Call(int status, String contentType, Duration took, boolean changed) {
	}

	/** Waits until the receiver has every one of {@code events}; otherwise fails saying where the missing ones are. */
	private static void awaitDelivered(Api api, Set<String> events, Set<String> received, Duration limit,
			NodeProcess node) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline && !received.containsAll(events)) {
			sleep(100);
		}
		Set<String> missing = new HashSet<>(events);
		missing.removeAll(received);
		if (!missing.isEmpty()) {
			String first = missing.iterator().next();
			throw new AssertionError(missing.size() + " of " + events.size() + " events not delivered; the first: "
					+ api.get("/api/v1/deliveries?eventId=" + first).body() + "\n" + node.tail());
		}
	}

	/** The postmaster named by the data directory's lock file, if it runs. */
	private static Optional<ProcessHandle> postmaster(Path handoffData) throws Exception {
		Path pidFile = handoffData.resolve("postgres/postmaster.pid");
		if (!Files.exists(pidFile)) {
			return Optional.empty();
		}
		long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
		return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
	}

	private Instant subscribe(Api api) {
		Api.Response created = api.post("/api/v1/webhooks", """
				{"name": "Receiver", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(receiver.url("/hook")));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		// Events from here on are the receiver's; the demo's own assignments came before it subscribed.
		sleep(50);
		return Instant.now();
	}

	private static List<String> openChats(Api api) {
		List<String> chats = new ArrayList<>();
		for (JsonNode chat : api.get("/api/v1/chats?status=open&limit=200").json().get("data")) {
			chats.add(chat.get("id").asString());
		}
		return chats;
	}

	/** Reassigns every open chat back and forth between two agents. */
	private static void assign(Api api, int rounds) {
		List<String> chats = openChats(api);
		for (int round = 0; round < rounds; round++) {
			String email = round % 2 == 0 ? "anita@acme.example" : "john@acme.example";
			for (String chat : chats) {
				Api.Response response = api.post("/api/v1/chats/" + chat + "/assignment", """
						{"memberEmail": "%s"}""".formatted(email));
				assertThat(response.status()).as(response.body()).isEqualTo(200);
			}
		}
	}

	/** Ids of the chat.assigned events since the receiver subscribed (the demo makes a few of its own before). */
	private static Set<String> eventIds(Api api, Instant since) {
		Set<String> ids = new HashSet<>();
		String after = null;
		do {
			JsonNode page = api.get("/api/v1/events?type=chat.assigned&limit=200" + (after == null ? "" : "&after=" + after))
				.json();
			for (JsonNode event : page.get("data")) {
				if (!Instant.parse(event.get("occurredAt").asString()).isBefore(since)) {
					ids.add(event.get("id").asString());
				}
			}
			after = page.get("hasMore").asBoolean() ? page.get("nextCursor").asString() : null;
		}
		while (after != null);
		return ids;
	}

	private static int status(String url) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (Exception e) {
			return -1;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
