package io.handoff.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.handoff.delivery.ClaimProbe;
import io.handoff.platform.Ids;
import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Claims while a large recover runs: one endpoint has a million failed deliveries, ten others have due work, and the
 * dispatcher's claim (its own statement, rolled back so the rows stay due) is timed in a loop, first alone, then while
 * the node's {@code POST /webhooks/{id}/recover} queues the million again (in slices, each its own transaction), then
 * while the same million are queued by one statement, as the recover did before it was sliced. Prints each phase's
 * claim times.
 * <p>
 * Run with {@code bench/recover.sh [failed deliveries]} (default 1,000,000).
 */
public final class RecoverBenchmark {

	private static final int BATCH = 200;
	private static final int WINDOW = 4;

	public static void main(String[] args) throws Exception {
		int failed = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
		int steady = 10;
		Path work = Files.createTempDirectory("handoff-recover");
		try (EmbeddedPostgres postgres = BenchPostgres.durable().start()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			try (NodeProcess node = NodeProcess.start("recover", jdbcUrl, work, "--handoff.demo=true",
					"--handoff.delivery.enabled=false", "--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO")) {
				String key = node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(60));
				Api api = new Api(node.baseUrl(), key);
				String target = endpoint(api, "recover");
				List<String> others = new ArrayList<>();
				for (int i = 0; i < steady; i++) {
					others.add(endpoint(api, "steady-" + i));
				}
				long filling = System.nanoTime();
				fill(jdbcUrl, target, others, failed);
				System.out.printf(Locale.ROOT, "## Claims during a recover%n%nMachine: %d cores; embedded PostgreSQL 17 (fsync and "
						+ "synchronous_commit on); one node (not dispatching) answers the recover; the claim is the dispatcher's "
						+ "statement (batch %d, %d per endpoint), timed in a loop on its own connection and rolled back.%n%n",
						Runtime.getRuntime().availableProcessors(), BATCH, WINDOW);
				System.out.printf(Locale.ROOT, "Command: `bench/recover.sh %d`. Written: %,d failed deliveries of one endpoint "
						+ "(and their events), %d endpoints with 500 due each, in %.0f s.%n%n", failed, failed, steady,
						(System.nanoTime() - filling) / 1e9);
				System.out.println("| while | claims | claimed each | p50 | p99 | max | the work took |");
				System.out.println("|---|---|---|---|---|---|---|");

				try (SingleConnectionDataSource probeDb = new SingleConnectionDataSource(jdbcUrl, true)) {
					ClaimProbe probe = new ClaimProbe(probeDb);
					Phase alone = Phase.during(probe, () -> Thread.sleep(10_000));
					alone.print("nothing else runs", "10 s");

					long[] queued = new long[1];
					HttpClient http = HttpClient.newHttpClient();
					Phase sliced = Phase.during(probe, () -> {
						HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/webhooks/" + target + "/recover"))
							.header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
							.timeout(Duration.ofMinutes(30))
							.POST(HttpRequest.BodyPublishers.ofString("{\"since\": \"" + Instant.now().minus(Duration.ofDays(2)) + "\"}"))
							.build(), HttpResponse.BodyHandlers.ofString());
						if (answer.statusCode() / 100 != 2) {
							throw new IllegalStateException(answer.statusCode() + " " + answer.body());
						}
						queued[0] = Long.parseLong(answer.body().replaceAll("\\D", ""));
					});
					sliced.print(String.format(Locale.ROOT, "the recover queues %,d (slices of 5,000, each committed)", queued[0]),
							sliced.work);

					sql(jdbcUrl, "UPDATE deliveries SET status = 'failed', manual = false, next_attempt_at = NULL WHERE endpoint_id = '"
							+ target + "'", "VACUUM ANALYZE deliveries");
					Phase whole = Phase.during(probe, () -> sql(jdbcUrl, """
							UPDATE deliveries SET status = 'pending', manual = true, next_attempt_at = now(), completed_at = NULL,
							    updated_at = now(), version = version + 1
							WHERE endpoint_id = '%s' AND status = 'failed' AND NOT test""".formatted(target)));
					whole.print(String.format(Locale.ROOT, "one statement queues the same %,d (the recover before slicing)", failed),
							whole.work);
				}
			}
		}
	}

	private static String endpoint(Api api, String name) {
		Api.Response created = api.post("/api/v1/webhooks", """
				{"name": "%s", "url": "http://127.0.0.1:9/%s", "eventTypes": ["chat.assigned"]}""".formatted(name, name));
		if (created.status() != 201) {
			throw new IllegalStateException(created.toString());
		}
		return created.json().at("/endpoint/id").asString();
	}

	/** A million failed deliveries of {@code target} from the last day, and 500 due ones for each of the others. */
	private static void fill(String jdbcUrl, String target, List<String> others, int failed) throws Exception {
		String time = Ids.first("x", Instant.now()).substring(2, 12);
		sql(jdbcUrl, """
				INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at)
				SELECT 'evt_%1$sA' || lpad(g::text, 15, '0'), e.workspace_id, 'chat.assigned', 'chat_recover' || (g %% 1000), g,
				       NULL, '{"type":"chat.assigned","data":{"chatId":"chat_recover' || (g %% 1000) || '","sequence":' || g || '}}',
				       now() - interval '1 hour'
				FROM generate_series(1, %2$d) g, (SELECT workspace_id FROM webhook_endpoints WHERE id = '%3$s') e""".formatted(time, failed, target),
				"""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered, test,
				                        status, attempts, created_at, updated_at, completed_at)
				SELECT 'dlv_%1$sA' || substr(ev.id, 16), ev.workspace_id, '%2$s', ev.id, ev.type, ev.chat_id, ev.sequence,
				       false, false, 'failed', 1, ev.occurred_at, ev.occurred_at, ev.occurred_at
				FROM events ev WHERE ev.id LIKE 'evt_%1$sA%%'""".formatted(time, target),
				"""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered, test,
				                        status, next_attempt_at, created_at, updated_at)
				SELECT 'dlv_%1$sS' || lpad((o.n * 1000 + g)::text, 15, '0'), ev.workspace_id, o.id, ev.id, ev.type, ev.chat_id,
				       ev.sequence, false, false, 'pending', now(), now(), now()
				FROM unnest(ARRAY[%2$s]) WITH ORDINALITY AS o (id, n), generate_series(1, 500) g
				JOIN events ev ON ev.id = 'evt_%1$sA' || lpad(g::text, 15, '0')""".formatted(time,
						String.join(", ", others.stream().map(id -> "'" + id + "'").toList())),
				"VACUUM ANALYZE events", "VACUUM ANALYZE deliveries");
	}

	private static void sql(String jdbcUrl, String... statements) throws Exception {
		try (Connection db = DriverManager.getConnection(jdbcUrl); Statement sql = db.createStatement()) {
			for (String statement : statements) {
				sql.execute(statement);
			}
		}
	}

	interface Work {
		void run() throws Exception;
	}

	/** Claim times while some work runs. */
	private record Phase(List<Double> millis, double claimedEach, String work) {

		static Phase during(ClaimProbe probe, Work work) throws Exception {
			AtomicBoolean done = new AtomicBoolean();
			List<Double> times = Collections.synchronizedList(new ArrayList<>());
			long[] claimed = new long[1];
			Thread claims = Thread.ofPlatform().name("claims").start(() -> {
				while (!done.get()) {
					long started = System.nanoTime();
					claimed[0] += probe.claimAndRollBack(BATCH, WINDOW);
					times.add((System.nanoTime() - started) / 1e6);
				}
			});
			long started = System.nanoTime();
			try {
				work.run();
			}
			finally {
				done.set(true);
				claims.join();
			}
			String took = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
			List<Double> sorted = new ArrayList<>(times);
			Collections.sort(sorted);
			return new Phase(sorted, sorted.isEmpty() ? 0 : (double) claimed[0] / sorted.size(), took);
		}

		void print(String label, String took) {
			System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f ms | %.2f ms | %.1f ms | %s |%n", label, millis.size(),
					claimedEach, at(0.50), at(0.99), millis.get(millis.size() - 1), took);
		}

		private double at(double quantile) {
			return millis.get(Math.min(millis.size() - 1, (int) Math.ceil(quantile * millis.size()) - 1));
		}
	}
}
