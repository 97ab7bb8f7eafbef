package io.handoff.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Drains a backlog, as BENCHMARKS.md asks: a node that does not dispatch ({@code handoff.delivery.enabled=false})
 * sets up 20 endpoints on a fast receiver in another JVM, the backlog (events and their due deliveries) is written
 * straight into PostgreSQL, and then a dispatching node starts and sends it all. Prints the drain rate and the node's
 * peak resident memory.
 * <p>
 * Run with {@code bench/backlog.sh [deliveries]} (default 1,000,000).
 */
public final class BacklogBenchmark {

	public static void main(String[] args) throws Exception {
		int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
		int endpoints = 20;
		int events = deliveries / endpoints;
		Path work = Files.createTempDirectory("handoff-backlog");
		int receiverPort = DeliveryBenchmark.freePort();
		Process receiver = DeliveryBenchmark.receiver(receiverPort, work.resolve("receiver.log"));
		try (EmbeddedPostgres postgres = BenchPostgres.durable()
			.setServerConfig("max_connections", "300")
			.start()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			try (NodeProcess setup = NodeProcess.start("setup", jdbcUrl, work, "--handoff.demo=true",
					"--handoff.delivery.enabled=false", "--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO")) {
				Api api = new Api(setup.baseUrl(), setup.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
				for (int i = 0; i < endpoints; i++) {
					Api.Response created = api.post("/api/v1/webhooks", """
							{"name": "backlog-%d", "url": "http://127.0.0.1:%d/fast/backlog-%d", "eventTypes": ["chat.assigned"]}"""
						.formatted(i, receiverPort, i));
					if (created.status() != 201) {
						throw new IllegalStateException(created.toString());
					}
				}
			}
			long filled = System.nanoTime();
			try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
				s.execute("""
						INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at)
						SELECT 'evt_backlog' || lpad(g::text, 10, '0'), w.id, 'chat.assigned', 'chat_backlog' || (g %% 400), g,
						       NULL, '{"type":"chat.assigned","data":{"chatId":"chat_backlog' || (g %% 400) || '","sequence":' || g || '}}', now()
						FROM generate_series(1, %d) g, (SELECT id FROM workspaces LIMIT 1) w""".formatted(events));
				s.execute("""
						INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
						                        test, status, next_attempt_at, created_at, updated_at)
						SELECT 'dlv_backlog' || lpad(e.position::text, 10, '0') || '_' || ep.n, e.workspace_id, ep.id, e.id,
						       e.type, e.chat_id, e.sequence, false, false, 'pending', now(), now(), now()
						FROM events e CROSS JOIN (SELECT id, row_number() OVER () AS n FROM webhook_endpoints) ep
						WHERE e.id LIKE 'evt_backlog%'""");
				s.execute("VACUUM ANALYZE deliveries");
				s.execute("VACUUM ANALYZE events");
			}
			double fillSeconds = (System.nanoTime() - filled) / 1e9;
			long due = count(jdbcUrl, "SELECT count(*) FROM deliveries WHERE status = 'pending'");

			long started = System.nanoTime();
			long peakRss = 0;
			List<String> progress = new ArrayList<>();
			try (NodeProcess node = NodeProcess.start("drain", jdbcUrl, work, "--logging.level.root=WARN",
					"--logging.level.io.handoff.inbox=INFO",
					"--spring.datasource.hikari.maximum-pool-size=40")) {
				long pending = due;
				long lastReport = started;
				while (pending > 0 && System.nanoTime() - started < Duration.ofMinutes(30).toNanos()) {
					Thread.sleep(2000);
					peakRss = Math.max(peakRss, node.residentBytes());
					pending = count(jdbcUrl, "SELECT count(*) FROM deliveries WHERE status = 'pending'");
					if (System.nanoTime() - lastReport > Duration.ofSeconds(60).toNanos()) {
						progress.add(String.format(Locale.ROOT, "%.0f s: %d left", (System.nanoTime() - started) / 1e9, pending));
						lastReport = System.nanoTime();
					}
				}
				peakRss = Math.max(peakRss, node.residentBytes());
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			long succeeded = count(jdbcUrl, "SELECT count(*) FROM deliveries WHERE status = 'succeeded'");
			long received = received("http://127.0.0.1:" + receiverPort);
			System.out.printf("## Backlog benchmark%n%n");
			System.out.printf("Machine: %d cores; database: embedded PostgreSQL 17 (fsync on, synchronous_commit on), same machine; "
					+ "receiver: one JVM (JDK HttpServer); Handoff: one node started after the backlog was written.%n%n",
					Runtime.getRuntime().availableProcessors());
			System.out.printf("Command: `bench/backlog.sh %d`%n%n", deliveries);
			System.out.println("| due at start | endpoints | written in | drained in | deliveries/s | succeeded | received | node's peak RSS |");
			System.out.println("|---|---|---|---|---|---|---|---|");
			System.out.printf(Locale.ROOT, "| %d | %d | %.0f s | %.0f s (startup included) | %.0f | %d | %d | %.0f MiB |%n%n", due,
					endpoints, fillSeconds, seconds, succeeded / seconds, succeeded, received, peakRss / 1024.0 / 1024.0);
			System.out.println("Progress: " + progress);
		}
		finally {
			receiver.destroyForcibly();
		}
	}

	private static long count(String jdbcUrl, String sql) throws Exception {
		try (Connection c = DriverManager.getConnection(jdbcUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static long received(String base) throws Exception {
		String body = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(java.net.URI.create(base + "/dump")).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		return body.isBlank() ? 0 : body.split("\n").length;
	}
}
