package io.handoff.bench;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Measures the Reports page and API as the issue asks: a demo workspace grown by SQL to 1,000,000 assignment events
 * over 50 agents and 90 days (250,000 chats, each with a customer message, four assignments from the four sources,
 * and a resolve for four in five), with the report tables built from that history by the same statements the
 * migration uses on an existing database. Then the API and the console page are asked for the last 7, 30 and 90
 * days in Asia/Kolkata, on all numbers and on one, and p50/p95/max are printed beside the same node's answer time
 * for a trivial request (the ceiling of one HTTP round trip on this machine).
 * <p>
 * Run with {@code bench/reports.sh [chats]}.
 */
public final class ReportsBenchmark {

	private static final int AGENTS = 50;

	private static final int DAYS = 90;

	private static int requests;

	public static void main(String[] args) throws Exception {
		int chats = args.length > 0 ? Integer.parseInt(args[0]) : 250_000;
		requests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		Path work = Files.createTempDirectory("handoff-reports-bench");
		try (EmbeddedPostgres postgres = BenchPostgres.durable()
			.setServerConfig("max_wal_size", "4GB")
			// Plans of slow statements go to the log (BENCH_EXPLAIN=1), for docs/benchmarks.md.
			.setServerConfig("shared_preload_libraries", System.getenv("BENCH_EXPLAIN") != null ? "auto_explain" : "")
			.setServerConfig("auto_explain.log_min_duration", System.getenv("BENCH_EXPLAIN") != null ? "20ms" : "-1")
			.setServerConfig("auto_explain.log_analyze", "on")
			.start();
				NodeProcess node = NodeProcess.start("bench", postgres.getJdbcUrl("postgres", "postgres"), work,
						"--handoff.demo=true", "--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO")) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			Api api = new Api(node.baseUrl(), node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			String email = node.awaitLog("Demo Owner sign-in: (\\S+) /", Duration.ofSeconds(5));
			String password = node.awaitLog("Demo Owner sign-in: \\S+ / (\\S+)", Duration.ofSeconds(5));
			List<String> numbers = new ArrayList<>();
			api.get("/api/v1/business-numbers").json().get("data").forEach(n -> numbers.add(n.get("id").asString()));
			List<String> agents = new ArrayList<>();
			for (int i = 0; i < AGENTS; i++) {
				Api.Response created = api.post("/api/v1/members", """
						{"name": "Agent %02d", "email": "agent%02d@bench.example", "orgRole": "Team Member",
						 "numberRoles": [{"businessNumberId": "%s", "role": "Team Member"}, {"businessNumberId": "%s", "role": "Team Member"}]}"""
					.formatted(i, i, numbers.get(0), numbers.get(numbers.size() > 1 ? 1 : 0)));
				if (created.status() != 201) {
					throw new IllegalStateException(created.toString());
				}
				agents.add(created.json().get("id").asString());
			}
			long seeded = System.nanoTime();
			long events = seed(jdbcUrl, numbers, agents, chats);
			double seedSeconds = (System.nanoTime() - seeded) / 1e9;

			if (System.getenv("BENCH_HOLD") != null) {
				// Keeps the grown database and node up for plans and experiments: psql on the URL below.
				System.out.printf("Holding: %s, node %s, key %s, sign-in %s / %s; stop with Ctrl-C%n", jdbcUrl,
						node.baseUrl(), api.key(), email, password);
				Thread.sleep(Long.MAX_VALUE);
			}
			HttpClient console = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
			signIn(console, node.baseUrl(), email, password);
			// Timed requests go out bare: the test client's check of each answer against the OpenAPI document
			// would be measured too.
			HttpClient plain = HttpClient.newHttpClient();
			Call.Get key = path -> plain.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
				.header("Authorization", "Bearer " + api.key()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();

			System.out.printf("## Reports benchmark%n%n");
			System.out.printf("Machine: %d cores; embedded PostgreSQL (fsync on), one Handoff node, same machine. "
					+ "History: %,d chats, %,d assignment events over %d agents and %d days, %,d resolves; seeded and "
					+ "aggregated in %.0f s. Each row: 20 requests to warm up, then %d one after another.%n%n",
					Runtime.getRuntime().availableProcessors(), chats, events, AGENTS, DAYS, chats * 4 / 5, seedSeconds, requests);
			System.out.println("| request | p50 | p95 | max |");
			System.out.println("|---|---|---|---|");
			row("ceiling: `GET /api/v1/business-numbers` (one round trip)",
					() -> status(key.get("/api/v1/business-numbers")));
			LocalDate today = LocalDate.now(ZoneId.of("Asia/Kolkata"));
			for (int days : new int[] { 7, 30, 90 }) {
				String query = "from=" + today.minusDays(days - 1) + "&to=" + today + "&zone=Asia/Kolkata";
				row("API, last " + days + " days, all numbers", () -> status(key.get("/api/v1/reports/agents?" + query)));
				row("API, last " + days + " days, one number",
						() -> status(key.get("/api/v1/reports/agents?" + query + "&businessNumberId=" + numbers.get(0))));
				row("console `/reports`, last " + days + " days", () -> status(get(console, node.baseUrl() + "/reports?" + query)));
			}
			row("CSV export, last 90 days", () -> status(key.get("/api/v1/reports/agents/csv?from=" + today.minusDays(89)
					+ "&to=" + today + "&zone=Asia/Kolkata")));
			System.out.println();
			System.out.println(api.get("/api/v1/reports/agents?from=" + today.minusDays(6) + "&to=" + today
					+ "&zone=Asia/Kolkata").body().substring(0, 400) + "…");
		}
	}

	interface Call {
		void run() throws Exception;

		interface Get {
			int get(String path) throws Exception;
		}
	}

	static void row(String what, Call call) throws Exception {
		for (int i = 0; i < 20; i++) {
			call.run();
		}
		List<Double> ms = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			long started = System.nanoTime();
			call.run();
			ms.add((System.nanoTime() - started) / 1e6);
		}
		Collections.sort(ms);
		System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms |%n", what, ms.get(ms.size() / 2),
				ms.get((int) Math.ceil(ms.size() * 0.95) - 1), ms.getLast());
	}

	static void status(int status) {
		if (status != 200) {
			throw new IllegalStateException("HTTP " + status);
		}
	}

	static int get(HttpClient client, String url) throws Exception {
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (!response.body().contains("id=\"agents\"")) {
			throw new IllegalStateException("not the report page: " + response.statusCode());
		}
		return response.statusCode();
	}

	static void signIn(HttpClient client, String base, String email, String password) throws Exception {
		String page = client.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
		if (!csrf.find()) {
			throw new IllegalStateException("no CSRF token on the sign-in page");
		}
		String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
				+ URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
		HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (signedIn.statusCode() != 302 || signedIn.headers().firstValue("Location").orElse("").contains("error")) {
			throw new IllegalStateException("sign-in failed: " + signedIn.statusCode() + " " + signedIn.headers().map());
		}
	}

	/**
	 * Grows the workspace: chats spread evenly over the last 90 days, each with a customer message, four assignments
	 * ten minutes apart (sources in turn, agents spread), and for four in five a resolve an hour later; then the
	 * report tables are rebuilt from that history with the migration's own statements. Answers the assignment events.
	 */
	static long seed(String jdbcUrl, List<String> numbers, List<String> agents, int chats) throws Exception {
		String agentArray = "(ARRAY['" + String.join("','", agents) + "'])";
		String numberArray = "(ARRAY['" + String.join("','", numbers) + "'])";
		String sources = "(ARRAY['manual','bot_workflow','ai_bot','api'])";
		try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
				Statement sql = db.createStatement()) {
			sql.execute("SET synchronous_commit = off");
			String workspace;
			try (var rs = sql.executeQuery("SELECT workspace_id FROM business_numbers WHERE id = '" + numbers.getFirst() + "'")) {
				rs.next();
				workspace = rs.getString(1);
			}
			sql.execute("""
					CREATE TEMP TABLE bench_chats AS
					SELECT g, 'chat_bench' || lpad(g::text, 8, '0') AS id, 'cus_bench' || lpad(g::text, 8, '0') AS customer,
					       %s[1 + g %% %d] AS number,
					       now() - interval '%d days' + (g * interval '%d days' / %d) AS t
					FROM generate_series(1, %d) g
					""".formatted(numberArray, numbers.size(), DAYS, DAYS, chats, chats));
			sql.execute("""
					INSERT INTO customers (id, workspace_id, name, phone, wa_id, created_at)
					SELECT customer, '%s', 'Bench ' || g, '+9196' || lpad(g::text, 8, '0'), '9196' || lpad(g::text, 8, '0'), t
					FROM bench_chats""".formatted(workspace));
			sql.execute("""
					INSERT INTO chats (id, workspace_id, business_number_id, customer_id, status, assignee_id, sequence,
					                   created_at, updated_at, last_activity_at, closed_at)
					SELECT id, '%1$s', number, customer, CASE WHEN g %% 5 = 0 THEN 'open' ELSE 'closed' END,
					       %2$s[1 + (g * 7 + 3 * 13) %% %3$d], CASE WHEN g %% 5 = 0 THEN 4 ELSE 5 END, t, t, t + interval '1 hour',
					       CASE WHEN g %% 5 = 0 THEN NULL ELSE t + interval '1 hour' END
					FROM bench_chats""".formatted(workspace, agentArray, AGENTS));
			sql.execute("""
					INSERT INTO messages (id, workspace_id, chat_id, direction, external_id, type, body, sent_at, created_at)
					SELECT 'msg_bench' || lpad(g::text, 8, '0'), '%s', id, 'inbound', 'wamid.bench.' || g, 'text', 'hello',
					       t, t FROM bench_chats""".formatted(workspace));
			sql.execute("""
					INSERT INTO assignment_history (id, workspace_id, chat_id, sequence, from_member_id, to_member_id, source,
					                                actor_type, actor_name, occurred_at)
					SELECT 'asg_bench' || lpad(g::text, 8, '0') || k, '%1$s', id, k + 1,
					       CASE WHEN k = 0 THEN NULL ELSE %2$s[1 + (g * 7 + (k - 1) * 13) %% %3$d] END,
					       %2$s[1 + (g * 7 + k * 13) %% %3$d], %4$s[1 + (g + k) %% 4], 'member', 'Bench',
					       t + (k * 10 + 2) * interval '1 minute'
					FROM bench_chats, generate_series(0, 3) k""".formatted(workspace, agentArray, AGENTS, sources));
			sql.execute("""
					INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at)
					SELECT 'evt_bench' || lpad(b.g::text, 8, '0') || h.sequence, '%s', 'chat.assigned', b.id, h.sequence,
					       b.number, '{"type": "chat.assigned", "data": {"assignee": {"id": "' || h.to_member_id || '"}}}',
					       h.occurred_at
					FROM bench_chats b JOIN assignment_history h ON h.chat_id = b.id
					ORDER BY h.occurred_at""".formatted(workspace));
			sql.execute("""
					INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at)
					SELECT 'evt_bench' || lpad(g::text, 8, '0') || '5', '%s', 'chat.resolved', id, 5, number,
					       '{"type": "chat.resolved", "data": {"assignee": {"id": "' || %s[1 + (g * 7 + 3 * 13) %% %d] || '"}}}',
					       t + interval '1 hour'
					FROM bench_chats WHERE g %% 5 <> 0 ORDER BY t""".formatted(workspace, agentArray, AGENTS));
			sql.execute("TRUNCATE " + io.handoff.support.ReportBackfill.TABLES);
			for (String statement : io.handoff.support.ReportBackfill.statements()) {
				sql.execute(statement);
			}
			sql.execute("VACUUM ANALYZE");
			return (long) chats * 4;
		}
	}
}
