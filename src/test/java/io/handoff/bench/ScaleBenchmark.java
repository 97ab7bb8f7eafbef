package io.handoff.bench;

import java.net.CookieManager;
import java.net.URI;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.handoff.platform.Tokens;
import io.handoff.support.NodeProcess;
import io.handoff.support.ScaleData;

/**
 * Costs as history grows (issue: "Costs that do not grow with history"): a workspace grown by SQL
 * ({@link ScaleData}) to 200,000 chats and customers, 2,000,000 events, deliveries, attempts and assignment changes
 * (at most 2,000,000 of these whatever the events), and a bot's run for each chat, over 60 days by default. The history is grown in the tables as they were before monthly partitions and migrated (timed). Then every list endpoint with each filter, the console's inbox, chat and
 * delivery-log pages are asked one request after another (p50/p95 by the client), the queue-metrics statement's own
 * timer is read from {@code /actuator/prometheus}, and a second node runs retention (30 days: about half the
 * history) while the first node's lists are asked again.
 * <p>
 * Run with {@code bench/scale.sh [chats] [events] [deliveries] [requests]}.
 */
public final class ScaleBenchmark {

	private static final String KEY = "hk_scale_benchmark_key_0123456789abcdef";
	private static final String METRICS_TOKEN = "scale-bench-metrics";
	private static final String PASSWORD_EMAIL = "owner@scale.example";

	private static int requests;

	public static void main(String[] args) throws Exception {
		int chats = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
		int events = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
		int deliveries = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
		requests = args.length > 3 ? Integer.parseInt(args[3]) : 100;
		Path work = Files.createTempDirectory("handoff-scale-bench");
		try (EmbeddedPostgres postgres = BenchPostgres.durable()
			.setServerConfig("max_wal_size", "8GB")
			.setServerConfig("shared_preload_libraries", "auto_explain")
			.setServerConfig("auto_explain.log_min_duration", "20ms")
			.setServerConfig("auto_explain.log_analyze", "on")
			.start()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			// The history is grown in the tables as they were before monthly partitions, then migrated, as an
			// existing installation's would be.
			long started = System.nanoTime();
			Flyway.configure().dataSource(jdbcUrl, "postgres", "postgres").locations("classpath:db/migration")
				.target(BEFORE_PARTITIONS).load().migrate();
			try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
					Statement sql = db.createStatement()) {
				sql.execute("SET synchronous_commit = off");
				ScaleData.grow(db, new ScaleData.Sizes(chats, events, deliveries, 60, Math.min(events, 2_000_000)));
			}
			double seedSeconds = (System.nanoTime() - started) / 1e9;
			String rowsBefore = historyRows(jdbcUrl);
			started = System.nanoTime();
			Flyway.configure().dataSource(jdbcUrl, "postgres", "postgres").locations("classpath:db/migration").load()
				.migrate();
			String migration = String.format(Locale.ROOT,
					"Migration to monthly partitions (V19, V20) of %s: %.0f s; rows after it: %s", rowsBefore,
					(System.nanoTime() - started) / 1e9, historyRows(jdbcUrl));
			// A database that has been running is vacuumed: measure that, not autovacuum catching up with the seed.
			started = System.nanoTime();
			try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
					Statement sql = db.createStatement()) {
				sql.execute("VACUUM ANALYZE");
			}
			migration += String.format(Locale.ROOT, "; VACUUM ANALYZE after it: %.0f s", (System.nanoTime() - started) / 1e9);
			try (NodeProcess node = NodeProcess.start("bench", jdbcUrl, work,
					"--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO",
					"--handoff.metrics.token=" + METRICS_TOKEN)) {
				run(node, jdbcUrl, work, chats, events, deliveries, seedSeconds, migration);
			}
		}
	}

	/** The version before the history tables were partitioned. */
	private static final String BEFORE_PARTITIONS = "18";

	private static String historyRows(String jdbcUrl) throws Exception {
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement sql = db.createStatement();
				ResultSet rs = sql.executeQuery("""
						SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM deliveries),
						       (SELECT count(*) FROM delivery_attempts), (SELECT count(*) FROM assignment_history),
						       (SELECT count(*) FROM bot_runs)""")) {
			rs.next();
			return String.format(Locale.ROOT, "%,d events, %,d deliveries, %,d attempts, %,d assignment changes, %,d runs",
					rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
		}
	}

	private static void run(NodeProcess node, String jdbcUrl, Path work, int chats, int events, int deliveries,
			double seedSeconds, String migration) throws Exception {
		String password = "scale-" + Long.toHexString(System.nanoTime());
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement sql = db.createStatement()) {
			// An API key and a signed-in owner for the grown workspace.
			sql.execute("""
					INSERT INTO roles (id, workspace_id, name, base, built_in)
					VALUES ('role_SCALEOWNER', '%1$s', 'Owner', 'owner', true);
					INSERT INTO members (id, workspace_id, name, email, org_role_id, password_hash, created_at)
					VALUES ('usr_SCALEOWNER', '%1$s', 'Scale Owner', '%2$s', 'role_SCALEOWNER', '%3$s', now());
					INSERT INTO api_keys (id, workspace_id, name, hint, key_hash, created_at)
					VALUES ('key_SCALE', '%1$s', 'Scale', 'hk_…', '%4$s', now());
					""".formatted(ScaleData.WORKSPACE, PASSWORD_EMAIL,
					PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password), Tokens.hash(KEY)));
		}
		Sample sample = Sample.of(jdbcUrl);

		HttpClient plain = HttpClient.newHttpClient();
		HttpClient console = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		ReportsBenchmark.signIn(console, node.baseUrl(), PASSWORD_EMAIL, password);
		String base = node.baseUrl();

		System.out.printf("## Scale benchmark%n%n");
		System.out.printf(Locale.ROOT, "Machine: %d cores; embedded PostgreSQL (fsync on), one Handoff node, same machine. "
				+ "Grown workspace: %,d chats and customers, %,d events, %,d deliveries (%s), %,d attempts, over 60 days; "
				+ "seeded in %.0f s; tables and indexes %s. Each row: 10 requests to warm up, then %d one after another.%n%n",
				Runtime.getRuntime().availableProcessors(), chats, events, deliveries, "5 endpoints",
				sample.attempts, seedSeconds, sample.size, requests);
		System.out.printf("%s.%n%n", migration);
		System.out.println("| request | p50 | p95 | max |");
		System.out.println("|---|---|---|---|");
		List<Row> rows = rows(sample);
		// A node just started compiles its hot code on the same two cores for a minute or two: three passes over every
		// row first, unmeasured, so the table shows the node as it runs rather than as it warms up.
		for (int pass = 0; pass < 3; pass++) {
			for (Row row : rows) {
				row.warmUp(row.console ? console : plain, base);
			}
		}
		for (Row row : rows) {
			row.measure(row.console ? console : plain, base);
		}
		System.out.println();
		System.out.printf(Locale.ROOT, "Queue metrics statement (every 10 s on each node): %s%n%n",
				metricsTimer(plain, base));
		System.out.printf("Queue metrics statement on its own: %s%n%n", statement(jdbcUrl, "BACKLOG",
				Map.of(":now", "now()", ":cap", "10000")));
		System.out.printf("Endpoint health statement of the delivery-log page (the last 24 hours of one endpoint): %s%n%n",
				statement(jdbcUrl, "HOURLY", Map.of(":endpoint", "'" + sample.endpoint + "'",
						":workspace", "'" + ScaleData.WORKSPACE + "'", ":since", "now() - interval '24 hours'",
						":until", "now() + interval '1 day'")));

		// Retention on a second node: how long it takes, and the first node's lists meanwhile.
		try (NodeProcess retention = NodeProcess.start("bench-retention", jdbcUrl, work, "--logging.level.root=WARN",
				"--logging.level.io.handoff.inbox=INFO",
				"--logging.level.io.handoff.delivery.Retention=INFO",
				"--logging.level.io.handoff.delivery.HistoryPartitions=INFO", "--handoff.delivery.retention-interval=5s",
				"--logging.level.io.handoff.studio.RunHistory=INFO", "--handoff.studio.retention-interval=5s")) {
			System.out.println("| while another node runs retention | p50 | p95 | max |");
			System.out.println("|---|---|---|---|");
			for (Row row : rows) {
				if (row.duringRetention) {
					row.measure(row.console ? console : plain, base);
				}
			}
			System.out.println();
			String dropped = retention.awaitLog("(Dropped the history of \\S+ in \\d+ ms \\([^)]*\\))",
				Duration.ofMinutes(30));
			String done = retention.awaitLog("(Retention deleted \\d+ rows older than \\S+ in \\d+ ms)",
					Duration.ofMinutes(30));
			System.out.printf("%s; then %s; %s after it (from %s).%n", dropped, done, Sample.of(jdbcUrl).size,
					sample.size);
			System.out.printf("Run retention on the same node: %s.%n", retention.awaitLog(
					"(Dropped the runs and requests of \\S+ in \\d+ ms \\([^)]*\\))", Duration.ofMinutes(5)));
		}
	}

	/**
	 * One of the delivery module's statements (a constant of {@code Deliveries}), its parameters replaced by the given
	 * SQL, run on its own with EXPLAIN ANALYZE twenty times: its time and plan.
	 */
	static String statement(String jdbcUrl, String constant, Map<String, String> parameters) throws Exception {
		java.lang.reflect.Field field = Class.forName("io.handoff.delivery.Deliveries").getDeclaredField(constant);
		field.setAccessible(true);
		String statement = (String) field.get(null);
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			statement = statement.replace(parameter.getKey(), parameter.getValue());
		}
		List<Double> times = new ArrayList<>();
		String plan = "";
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement sql = db.createStatement()) {
			for (int i = 0; i < 20; i++) {
				StringBuilder lines = new StringBuilder();
				try (ResultSet rs = sql.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + statement)) {
					while (rs.next()) {
						lines.append(rs.getString(1)).append('\n');
					}
				}
				Matcher m = Pattern.compile("Execution Time: ([\\d.]+) ms").matcher(lines);
				if (m.find()) {
					times.add(Double.parseDouble(m.group(1)));
				}
				plan = lines.toString();
			}
		}
		Collections.sort(times);
		return String.format(Locale.ROOT, "p50 %.1f ms, max %.1f ms; plan:%n%n```%n%s```", times.get(times.size() / 2),
				times.get(times.size() - 1), plan);
	}

	/** What the grown database holds, and ids to filter by. */
	record Sample(long attempts, String size, String endpoint, String chat, String customer, String event,
			String agent, Instant day) {

		static Sample of(String jdbcUrl) throws Exception {
			try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
					Statement sql = db.createStatement()) {
				return new Sample(Long.parseLong(one(sql, "SELECT count(*) FROM delivery_attempts")[0]),
						one(sql, """
								SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
								FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
								WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')""")[0],
						ScaleData.endpoint(2),
						one(sql, "SELECT chat_id FROM deliveries WHERE endpoint_id = 'wh_SCALE2' ORDER BY id DESC LIMIT 1 OFFSET 5000")[0],
						one(sql, "SELECT customer_id FROM chats WHERE workspace_id = 'ws_SCALE' ORDER BY id DESC LIMIT 1 OFFSET 5000")[0],
						one(sql, "SELECT event_id FROM deliveries ORDER BY id DESC LIMIT 1 OFFSET 5000")[0],
						ScaleData.AGENT, Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS));
			}
		}

		private static String[] one(Statement sql, String query) throws Exception {
			try (ResultSet rs = sql.executeQuery(query)) {
				rs.next();
				return new String[] { rs.getString(1) };
			}
		}
	}

	record Row(String name, String path, boolean console, boolean duringRetention) {

		void warmUp(HttpClient client, String base) throws Exception {
			for (int i = 0; i < 10; i++) {
				send(client, base);
			}
		}

		void measure(HttpClient client, String base) throws Exception {
			warmUp(client, base);
			List<Double> ms = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				long started = System.nanoTime();
				send(client, base);
				ms.add((System.nanoTime() - started) / 1e6);
			}
			Collections.sort(ms);
			System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms |%n", name, ms.get(ms.size() / 2),
					ms.get((int) Math.ceil(ms.size() * 0.95) - 1), ms.getLast());
		}

		private void send(HttpClient client, String base) throws Exception {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
			if (!console) {
				request.header("Authorization", "Bearer " + KEY);
			}
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(path + ": HTTP " + response.statusCode() + " " + response.body());
			}
		}
	}

	static List<Row> rows(Sample s) {
		String day = "since=" + s.day() + "&until=" + s.day().plus(1, ChronoUnit.DAYS);
		String chatPage = "/inbox/chats/" + s.chat();
		return List.of(
				new Row("`GET /api/v1/business-numbers` (ceiling: one round trip)", "/api/v1/business-numbers", false, true),
				new Row("deliveries", "/api/v1/deliveries", false, true),
				new Row("deliveries `endpointId`", "/api/v1/deliveries?endpointId=" + s.endpoint(), false, true),
				new Row("deliveries `endpointId` `chatId`", "/api/v1/deliveries?endpointId=" + s.endpoint() + "&chatId=" + s.chat(),
						false, true),
				new Row("deliveries `chatId`", "/api/v1/deliveries?chatId=" + s.chat(), false, false),
				new Row("deliveries `endpointId` `since` `until` (a day 20 days ago)",
						"/api/v1/deliveries?endpointId=" + s.endpoint() + "&" + day, false, true),
				new Row("deliveries `endpointId` `status=failed`", "/api/v1/deliveries?endpointId=" + s.endpoint() + "&status=failed",
						false, true),
				new Row("deliveries `status=failed`", "/api/v1/deliveries?status=failed", false, false),
				new Row("deliveries `status=pending`", "/api/v1/deliveries?status=pending", false, false),
				new Row("deliveries `eventType=chat.resolved`", "/api/v1/deliveries?eventType=chat.resolved", false, false),
				new Row("deliveries `eventId`", "/api/v1/deliveries?eventId=" + s.event(), false, false),
				new Row("events", "/api/v1/events", false, true),
				new Row("events `type=chat.assigned`", "/api/v1/events?type=chat.assigned", false, false),
				new Row("events `chatId`", "/api/v1/events?chatId=" + s.chat(), false, true),
				new Row("chats", "/api/v1/chats", false, true),
				new Row("chats `customerId`", "/api/v1/chats?customerId=" + s.customer(), false, true),
				new Row("chats `assigneeId`", "/api/v1/chats?assigneeId=" + s.agent(), false, false),
				new Row("chats `status=open`", "/api/v1/chats?status=open", false, false),
				new Row("chats `unassigned=true`", "/api/v1/chats?unassigned=true", false, false),
				new Row("customers", "/api/v1/customers", false, false),
				new Row("a chat's assignment history", "/api/v1/chats/" + s.chat() + "/assignments", false, true),
				new Row("a bot's runs", "/api/v1/bots/" + ScaleData.BOT + "/runs", false, true),
				new Row("a bot's runs `status=failed`", "/api/v1/bots/" + ScaleData.BOT + "/runs?status=failed", false, false),
				new Row("console inbox (open, all)", "/inbox", true, true),
				new Row("console inbox, Mine (no open chat of the owner's)", "/inbox?assignee=me", true, false),
				new Row("console inbox, an agent's", "/inbox?assignee=" + s.agent(), true, false),
				new Row("console inbox, Unassigned", "/inbox?assignee=unassigned", true, false),
				new Row("console inbox, resolved", "/inbox?status=closed", true, false),
				new Row("console chat page", chatPage, true, true),
				new Row("console delivery log", "/settings/webhooks/" + s.endpoint(), true, true),
				new Row("console delivery log, failed", "/settings/webhooks/" + s.endpoint() + "?status=failed", true, false));
	}

	/** The queue-metrics statement's count and mean time, from the node's own timer. */
	static String metricsTimer(HttpClient client, String base) throws Exception {
		String text = "";
		for (int i = 0; i < 30 && !text.contains("handoff_delivery_queue_read_duration_seconds_count"); i++) {
			Thread.sleep(1000);
			text = client.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
				.header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
		}
		double n = timerValue(text, "count");
		if (n == 0) {
			throw new IllegalStateException("the queue metrics have not been read yet");
		}
		return String.format(Locale.ROOT, "%.0f runs, mean %.2f ms, max %.2f ms", n, timerValue(text, "sum") * 1000 / n,
				timerValue(text, "max") * 1000);
	}

	/** One sample of the queue-read timer ({@code count}, {@code sum} or {@code max}) in Prometheus text. */
	private static double timerValue(String text, String sample) {
		Matcher value = Pattern.compile("(?m)^handoff_delivery_queue_read_duration_seconds_" + sample
				+ "(?:\\{[^}]*\\})? (\\S+)$").matcher(text);
		if (!value.find()) {
			throw new IllegalStateException("no queue-read timer " + sample + " in the node's metrics");
		}
		return Double.parseDouble(value.group(1));
	}
}
