package io.handoff.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Measures Bot Studio as BENCHMARKS.md asks: requests to an active bot's hook URL at a fixed offered rate (open
 * loop), each mapped (four variables) and run through a flow of two steps: Assign Agent (round robin over three
 * agents, which records a {@code chat.assigned} event) and an HTTP Request with the mapped fields to a receiver in
 * another JVM. Prints runs finished per second, the hook's answer time as the sender sees
 * it, and the time from the request being accepted to its run being finished (p50/p95/p99/max, from the database's
 * own timestamps).
 * <p>
 * Run with {@code bench/studio.sh [seconds] [rate]}.
 */
public final class StudioBenchmark {

	/** {@code -Dbench.flow=http}: mapping and the HTTP Request only (the flow compared with n8n); else Assign Agent too. */
	private static final boolean ASSIGN = !"http".equals(System.getProperty("bench.flow"));

	private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
		int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100;
		Path work = Files.createTempDirectory("handoff-studio-bench");
		int receiverPort = DeliveryBenchmark.freePort();
		Process receiver = DeliveryBenchmark.receiver(receiverPort, work.resolve("receiver.log"));
		try (EmbeddedPostgres postgres = BenchPostgres.durable()
			.setServerConfig("max_connections", "300")
			.start();
				NodeProcess node = NodeProcess.start("bench", postgres.getJdbcUrl("postgres", "postgres"), work,
						"--handoff.demo=true", "--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO",
						"--spring.datasource.hikari.maximum-pool-size=40",
						// The benchmark floods bot URLs on purpose: it measures throughput, not the flood guard.
						"--handoff.studio.hook-rate-per-second=0")) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			Api api = new Api(node.baseUrl(), node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			String support = api.get("/api/v1/business-numbers").json().get("data").valueStream()
				.filter(n -> n.get("number").asString().equals("+919000000000"))
				.findFirst()
				.orElseThrow()
				.get("id")
				.asString();
			List<String> pool = new ArrayList<>();
			api.get("/api/v1/members?businessNumberId=" + support).json().get("data").forEach(m -> pool.add(m.get("id").asString()));
			JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Benchmark\", \"status\": \"active\"}").json();
			String botId = bot.get("id").asString();
			String hook = bot.at("/trigger/hookUrl").asString();
			api.put("/api/v1/bots/" + botId + "/variables", """
					[{"name": "chatId", "path": "/body/data/chatId", "required": true},
					 {"name": "customerNumber", "path": "/body/data/customerPhone", "transforms": ["e164"]},
					 {"name": "agentEmail", "path": "/body/data/assignedUserEmail", "transforms": ["lowercase"]},
					 {"name": "businessNumber", "path": "/body/data/wabaNumber"}]""");
			String http = """
					{"type": "http_request", "config": {"method": "POST", "url": "http://127.0.0.1:%d/fast/studio",
					  "body": "{\\"data\\": {\\"chatId\\": \\"{{chatId}}\\", \\"sequence\\": 1, \\"customer\\": \\"{{customerNumber}}\\", \\"owner\\": \\"{{agentEmail}}\\"}}"}}"""
				.formatted(receiverPort);
			String assign = """
					{"type": "assign_agent", "config": {"strategy": "round_robin", "skipIfAssigned": false,
					  "pool": ["%s", "%s", "%s"]}}""".formatted(pool.get(0), pool.get(1), pool.get(2));
			Api.Response steps = api.put("/api/v1/bots/" + botId + "/steps",
					"[" + (ASSIGN ? assign + ", " : "") + http + "]");
			if (steps.status() != 200) {
				throw new IllegalStateException(steps.toString());
			}
			List<String> chats = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				String customer = api.post("/api/v1/customers", """
						{"name": "Load %d", "phone": "+9198%08d"}""".formatted(i, 10_000_000 + i)).json().get("id").asString();
				chats.add(api.post("/api/v1/chats", """
						{"businessNumberId": "%s", "customerId": "%s"}""".formatted(support, customer)).json().get("id").asString());
			}

			System.out.printf("## Bot Studio benchmark%n%n");
			System.out.printf("Machine: %d cores; database: embedded PostgreSQL 17 (fsync on, synchronous_commit on), same machine; "
					+ "Handoff: one node. Flow: 4 mapped variables, %sHTTP Request with the mapped fields to a receiver in another JVM.%n%n",
					Runtime.getRuntime().availableProcessors(),
					ASSIGN ? "Assign Agent round robin over 3 agents (emits chat.assigned), " : "");
			offer(hook, chats, rate, Duration.ofSeconds(15));
			truncate(jdbcUrl);
			Result result = offer(hook, chats, rate, Duration.ofSeconds(seconds));
			awaitRuns(jdbcUrl, result.accepted(), Duration.ofSeconds(120));
			report(jdbcUrl, rate, seconds, result);
		}
		finally {
			receiver.destroyForcibly();
		}
	}

	record Result(int accepted, int failed, List<Long> answerMicros, double offeredSeconds) {
	}

	private static Result offer(String hook, List<String> chats, int rate, Duration duration) throws Exception {
		long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
		long total = duration.toSeconds() * rate;
		AtomicInteger accepted = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		List<Long> answers = Collections.synchronizedList(new ArrayList<>());
		long started = System.nanoTime();
		try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
			for (long i = 0; i < total; i++) {
				LockSupport.parkNanos(started + i * intervalNanos - System.nanoTime());
				String chat = chats.get((int) (i % chats.size()));
				load.execute(() -> {
					String body = """
							{"type": "chat.assigned", "data": {"chatId": "%s", "customerPhone": "919111222333",
							 "assignedUserEmail": "John@Acme.example", "wabaNumber": "+919000000000"}}""".formatted(chat);
					long sent = System.nanoTime();
					try {
						HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(hook))
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() == 202) {
							accepted.incrementAndGet();
							answers.add((System.nanoTime() - sent) / 1000);
						}
						else {
							failed.incrementAndGet();
						}
					}
					catch (Exception e) {
						failed.incrementAndGet();
					}
				});
			}
		}
		return new Result(accepted.get(), failed.get(), answers, (System.nanoTime() - started) / 1e9);
	}

	private static void truncate(String jdbcUrl) throws Exception {
		// The warm-up's runs finish first (at a rate above the ceiling they are still queued), then go.
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		while (System.nanoTime() < deadline) {
			try (Connection c = DriverManager.getConnection(jdbcUrl);
					ResultSet rs = c.createStatement().executeQuery(
							"SELECT count(*) FROM bot_runs WHERE status IN ('queued', 'running', 'waiting')")) {
				rs.next();
				if (rs.getInt(1) == 0) {
					break;
				}
			}
			Thread.sleep(500);
		}
		Thread.sleep(3000);
		try (Connection c = DriverManager.getConnection(jdbcUrl)) {
			c.createStatement().execute("DELETE FROM bot_runs");
		}
	}

	private static void awaitRuns(String jdbcUrl, int count, Duration limit) throws Exception {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			try (Connection c = DriverManager.getConnection(jdbcUrl);
					ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM bot_runs WHERE finished_at IS NOT NULL")) {
				rs.next();
				if (rs.getInt(1) >= count) {
					return;
				}
			}
			Thread.sleep(200);
		}
	}

	private static void report(String jdbcUrl, int rate, int seconds, Result result) throws Exception {
		List<Long> runMicros = new ArrayList<>();
		int succeeded = 0;
		double window;
		try (Connection c = DriverManager.getConnection(jdbcUrl);
				ResultSet rs = c.createStatement().executeQuery("""
						SELECT status, extract(epoch FROM finished_at - created_at) * 1000000 AS micros,
						       extract(epoch FROM (max(finished_at) OVER () - min(created_at) OVER ())) AS span
						FROM bot_runs WHERE finished_at IS NOT NULL""")) {
			double span = 0;
			while (rs.next()) {
				succeeded += rs.getString(1).equals("succeeded") ? 1 : 0;
				runMicros.add(rs.getLong(2));
				span = rs.getDouble(3);
			}
			window = Math.max(span, result.offeredSeconds());
		}
		Collections.sort(runMicros);
		List<Long> answers = new ArrayList<>(result.answerMicros());
		Collections.sort(answers);
		System.out.printf("Command: `bench/studio.sh %d %d`%n%n", seconds, rate);
		System.out.println("| offered | accepted (202) | refused or failed | runs finished/s | succeeded | hook answer p50 / p99 | accepted → run finished p50 | p95 | p99 | max |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|");
		System.out.printf(Locale.ROOT, "| %d/s for %d s | %d | %d | %.0f | %d | %.1f / %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n%n",
				rate, seconds, result.accepted(), result.failed(), runMicros.size() / window, succeeded, p(answers, 50),
				p(answers, 99), p(runMicros, 50), p(runMicros, 95), p(runMicros, 99), p(runMicros, 100));
	}

	private static double p(List<Long> sortedMicros, double percentile) {
		if (sortedMicros.isEmpty()) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sortedMicros.size()) - 1;
		return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1000.0;
	}
}
