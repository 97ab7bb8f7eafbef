package io.handoff.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Measures delivery as BENCHMARKS.md asks: Handoff in one process on a durable PostgreSQL (fsync and synchronous
 * commit on), receivers in another JVM, assignments made over the REST API at a fixed offered rate. Prints a
 * Markdown report: receiver ceiling, end-to-end latency (assignment API returned → receiver has the signed POST),
 * sustained throughput with queue depth, and isolation from endpoints that take ten seconds to answer.
 * <p>
 * Run with {@code bench/delivery.sh [seconds]}; the default of 60 seconds per run is what the report records.
 */
public final class DeliveryBenchmark {

	private static final Clock CLOCK = Clock.systemUTC();
	private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

	private final Api api;
	private final String receiverBase;
	private final String slowReceiverBase;
	private final String jdbcUrl;
	private final List<String> chats;
	private final Map<String, Boolean> assignedToJohn = new ConcurrentHashMap<>();
	private final List<String> endpoints = new ArrayList<>();
	private String databaseTime = "";

	private DeliveryBenchmark(Api api, String receiverBase, String slowReceiverBase, String jdbcUrl,
			List<String> chats) {
		this.api = api;
		this.receiverBase = receiverBase;
		this.slowReceiverBase = slowReceiverBase;
		this.jdbcUrl = jdbcUrl;
		this.chats = chats;
	}

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
		int throughputRate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		Set<String> scenarios = args.length > 2 ? Set.of(args[2].split(","))
				: Set.of("latency", "throughput", "isolation", "per_chat", "closing");
		Path work = Files.createTempDirectory("handoff-bench");
		System.err.println("Benchmark files (logs of the node, receivers and PostgreSQL): " + work);
		try (EmbeddedPostgres postgres = BenchPostgres.durable()
			.setServerConfig("max_connections", "300")
			.setServerConfig("shared_preload_libraries", "pg_stat_statements,auto_explain")
			.setServerConfig("auto_explain.log_min_duration", System.getProperty("bench.explain-over", "-1"))
			.setServerConfig("auto_explain.log_analyze", "on")
			.setServerConfig("auto_explain.log_buffers", "on")
			.setServerConfig("logging_collector", "on")
			.setServerConfig("log_directory", work.resolve("postgres-log").toString())
			.start()) {
			String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
			int receiverPort = freePort();
			int slowPort = freePort();
			Process receiver = receiver(receiverPort, work.resolve("receiver.log"));
			// Slow endpoints are other servers in real life: they get a receiver process of their own.
			Process slowReceiver = receiver(slowPort, work.resolve("slow-receiver.log"));
			try (NodeProcess node = NodeProcess.start("bench", jdbcUrl, work, "--handoff.demo=true",
					"--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO",
					"--spring.datasource.hikari.maximum-pool-size=40")) {
				String receiverBase = "http://127.0.0.1:" + receiverPort;
				awaitReceiver(receiverBase);
				Api api = new Api(node.baseUrl(), node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
				awaitReceiver("http://127.0.0.1:" + slowPort);
				try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
					connection.createStatement().execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
				}
				DeliveryBenchmark bench = new DeliveryBenchmark(api, receiverBase, "http://127.0.0.1:" + slowPort, jdbcUrl,
						openChats(api, 400));
				bench.report(seconds, throughputRate, scenarios);
			}
			finally {
				receiver.destroyForcibly();
				slowReceiver.destroyForcibly();
			}
		}
	}

	private void report(int seconds, int throughputRate, Set<String> scenarios) throws Exception {
		System.out.printf("## Delivery benchmark%n%n");
		System.out.printf("Machine: %d cores, %s memory; database: embedded PostgreSQL 17 (fsync on, synchronous_commit on), "
				+ "same machine; receivers: one JVM for fast endpoints, another for slow ones (JDK HttpServer, virtual threads); "
				+ "Handoff: one node.%n%n",
				Runtime.getRuntime().availableProcessors(), memory());

		double ceiling = receiverCeiling(Duration.ofSeconds(10));
		System.out.printf("Receiver ceiling (64 concurrent POSTs from another JVM, 10 s): **%.0f requests/s**%n%n", ceiling);

		// The JIT compiles the hot paths during a first, unreported run, as it would in a node that has been up a while.
		run("warmup", 200, 5, 0, Duration.ofSeconds(20));

		if (scenarios.contains("latency")) {
			Result latency = run("latency", 100, 5, 0, Duration.ofSeconds(seconds));
			table("End-to-end latency at 100 assignments/s × 5 endpoints (" + seconds + " s)", latency, ceiling);
		}

		if (scenarios.contains("throughput")) {
			// Fan-out, not the assignment API, is what this run loads: ten endpoints per assignment.
			Result throughput = run("throughput", throughputRate, 10, 0, Duration.ofSeconds(seconds));
			table("Sustained throughput at " + throughputRate + " assignments/s × 10 endpoints (" + seconds + " s)",
					throughput, ceiling);
		}
		if (scenarios.contains("per_chat")) {
			// Ten chats reassigned over and over, each chat's events strictly in order at every endpoint: a chat's next
			// event can only go once its previous one is answered and recorded.
			Result perChat = run("per-chat", 100, 5, 0, Duration.ofSeconds(seconds), "per_chat", "", chats.subList(0, 10));
			table("per_chat: 100 assignments/s over 10 busy chats × 5 ordered endpoints (" + seconds + " s)", perChat,
					ceiling);
		}

		if (scenarios.contains("closing")) {
			// The receiver answers "Connection: close" every time, as HTTP/1.0 servers and many small backends do.
			Result closing = run("closing", 200, 5, 0, Duration.ofSeconds(seconds), "none", "close-", chats);
			table("A receiver that closes the connection after every response: 200 assignments/s × 5 endpoints ("
					+ seconds + " s)", closing, ceiling);
		}

		if (!scenarios.contains("isolation")) {
			return;
		}

		// Runs on this machine vary by 2-3x from one minute to the next, so the two conditions alternate (ABBA...) and
		// the medians of their p99s are compared, as BENCHMARKS.md asks.
		int rounds = Integer.getInteger("bench.isolation.rounds", 3);
		List<Double> cleanP99 = new ArrayList<>();
		List<Double> isolatedP99 = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			boolean cleanFirst = round % 2 == 0;
			for (boolean clean : cleanFirst ? new boolean[] { true, false } : new boolean[] { false, true }) {
				if (clean) {
					Result r = run("clean" + round, 100, 10, 0, Duration.ofSeconds(seconds));
					table("Isolation baseline " + (round + 1) + ": 100 assignments/s × 10 fast endpoints (" + seconds
							+ " s)", r, ceiling);
					cleanP99.add(r.p(99));
				}
				else {
					Result r = run("isolated" + round, 100, 9, 1, Duration.ofSeconds(seconds));
					table("Isolation " + (round + 1) + ": 100 assignments/s × 9 fast endpoints + 1 answering after 10 s ("
							+ seconds + " s)", r, ceiling);
					isolatedP99.add(r.p(99));
				}
			}
		}
		System.out.printf(Locale.ROOT, "Healthy endpoints' p99 over %d alternating rounds: without a slow endpoint %s, with one %s%n%n",
				rounds, cleanP99.stream().map(v -> String.format(Locale.ROOT, "%.1f ms", v)).toList(),
				isolatedP99.stream().map(v -> String.format(Locale.ROOT, "%.1f ms", v)).toList());
		System.out.printf(Locale.ROOT, "Median p99 with a slow endpoint present / without: **%.2fx**%n%n",
				median(isolatedP99) / Math.max(0.001, median(cleanP99)));
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	/** One run: subscribe endpoints, offer assignments at {@code rate} for {@code duration}, collect arrivals. */
	private Result run(String name, int rate, int fast, int slow, Duration duration) throws Exception {
		return run(name, rate, fast, slow, duration, "none", "", chats);
	}

	/**
	 * @param ordering the endpoints' ordering
	 * @param prefix starts the fast endpoints' path under {@code /fast/}; {@code close-} makes the receiver close
	 * @param over the chats assignments go to, in turn
	 */
	private Result run(String name, int rate, int fast, int slow, Duration duration, String ordering, String prefix,
			List<String> over) throws Exception {
		for (String endpoint : endpoints) {
			api.post("/api/v1/webhooks/" + endpoint + "/disable", null);
		}
		endpoints.clear();
		dump();
		for (int i = 0; i < fast + slow; i++) {
			String path = (i < fast ? "/fast/" + prefix : "/slow/") + name + "-" + i;
			Api.Response created = api.post("/api/v1/webhooks", """
					{"name": "%s", "url": "%s%s", "eventTypes": ["chat.assigned"], "ordering": "%s"}""".formatted(path,
					i < fast ? receiverBase : slowReceiverBase, path, ordering));
			if (created.status() != 201) {
				throw new IllegalStateException(created.toString());
			}
			endpoints.add(created.json().at("/endpoint/id").asString());
		}

		sql("SELECT pg_stat_statements_reset()");
		Map<String, Long> returned = new ConcurrentHashMap<>();
		List<Long> depth = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger failures = new AtomicInteger();
		long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
		long total = duration.toSeconds() * rate;
		var sampler = Executors.newSingleThreadScheduledExecutor();
		sampler.scheduleAtFixedRate(() -> depth.add(dueNow()), 5, 5, TimeUnit.SECONDS);
		long started = System.nanoTime();
		try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
			for (long i = 0; i < total; i++) {
				LockSupport.parkNanos(started + i * intervalNanos - System.nanoTime());
				String chat = over.get((int) (i % over.size()));
				load.execute(() -> assign(chat, returned, failures));
			}
		}
		double offeredSeconds = (System.nanoTime() - started) / 1e9;
		sampler.shutdownNow();

		int expected = returned.size() * fast;
		List<String> notes = new ArrayList<>();
		long drainStarted = System.nanoTime();
		while (countFast(notes) < expected && System.nanoTime() - drainStarted < TimeUnit.SECONDS.toNanos(120)) {
			notes.addAll(dump());
			Thread.sleep(200);
		}
		notes.addAll(dump());
		databaseTime = name.equals("warmup") ? "" : databaseTime(name);
		return Result.of(returned, notes, expected, offeredSeconds, fast + slow, rate, depth, failures.get());
	}

	private void assign(String chat, Map<String, Long> returned, AtomicInteger failures) {
		boolean toJohn = !assignedToJohn.getOrDefault(chat, false);
		String body = "{\"memberEmail\": \"" + (toJohn ? "john" : "anita") + "@acme.example\"}";
		HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/chats/" + chat + "/assignment"))
			.header("Authorization", "Bearer " + api.key())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			long at = Receiver.micros(CLOCK.instant());
			if (response.statusCode() != 200) {
				failures.incrementAndGet();
				return;
			}
			JsonNode json = Api.parse(response.body());
			assignedToJohn.put(chat, toJohn);
			if (json.get("changed").asBoolean()) {
				returned.put(chat + " " + json.at("/chat/sequence").asLong(), at);
			}
		}
		catch (IOException e) {
			failures.incrementAndGet();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	record Result(List<Long> latenciesMicros, int delivered, int expected, double offeredSeconds,
			double deliveredPerSecond, int endpoints, int rate, List<Long> depth, int failures) {

		static Result of(Map<String, Long> returned, List<String> notes, int expected, double offeredSeconds,
				int endpoints, int rate, List<Long> depth, int failures) {
			List<Long> latencies = new ArrayList<>();
			long first = Long.MAX_VALUE;
			long last = Long.MIN_VALUE;
			int delivered = 0;
			for (String note : notes) {
				String[] parts = note.split(" ");
				if (!parts[0].startsWith("/fast/")) {
					continue;
				}
				delivered++;
				long arrival = Long.parseLong(parts[3]);
				first = Math.min(first, arrival);
				last = Math.max(last, arrival);
				Long at = returned.get(parts[1] + " " + parts[2]);
				if (at != null) {
					latencies.add(arrival - at);
				}
			}
			if (Boolean.getBoolean("bench.trace")) {
				// The slowest deliveries with when they arrived: a stall shows as a cluster, a slow path as a spread.
				notes.stream()
					.filter(n -> n.startsWith("/fast/") && returned.containsKey(n.split(" ")[1] + " " + n.split(" ")[2]))
					.sorted(java.util.Comparator.comparingLong((String n) -> Long.parseLong(n.split(" ")[3])
							- returned.get(n.split(" ")[1] + " " + n.split(" ")[2])).reversed())
					.limit(25)
					.forEach(n -> System.err.println("slow: " + n + " latency_us="
							+ (Long.parseLong(n.split(" ")[3]) - returned.get(n.split(" ")[1] + " " + n.split(" ")[2]))));
			}
			Collections.sort(latencies);
			double window = Math.max(offeredSeconds, (last - first) / 1e6);
			return new Result(latencies, delivered, expected, offeredSeconds, delivered / window, endpoints, rate,
					List.copyOf(depth), failures);
		}

		double p(double percentile) {
			if (latenciesMicros.isEmpty()) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(percentile / 100.0 * latenciesMicros.size()) - 1;
			return latenciesMicros.get(Math.max(0, Math.min(index, latenciesMicros.size() - 1))) / 1000.0;
		}
	}

	private void table(String title, Result r, double ceiling) {
		System.out.printf("### %s%n%n", title);
		System.out.printf("| offered | delivered (fast endpoints) | deliveries/s | of receiver ceiling | p50 | p95 | p99 | max | queue depth every 5 s | API errors |%n");
		System.out.printf("|---|---|---|---|---|---|---|---|---|---|%n");
		System.out.printf(Locale.ROOT, "| %d/s × %d endpoints | %d of %d | %.0f | %.0f%% | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %d |%n%n",
				r.rate(), r.endpoints(), r.delivered(), r.expected(), r.deliveredPerSecond(),
				100 * r.deliveredPerSecond() / ceiling, r.p(50), r.p(95), r.p(99), r.p(100), r.depth(), r.failures());
		System.out.print(databaseTime);
	}

	private double receiverCeiling(Duration duration) throws Exception {
		String body = "{\"data\":{\"chatId\":\"chat_ceiling\",\"sequence\":1}," + "\"pad\":\"" + "x".repeat(1500) + "\"}";
		AtomicLong done = new AtomicLong();
		long end = System.nanoTime() + duration.toNanos();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < 64; i++) {
				clients.execute(() -> {
					HttpRequest request = HttpRequest.newBuilder(URI.create(receiverBase + "/fast/ceiling"))
						.POST(HttpRequest.BodyPublishers.ofString(body))
						.build();
					while (System.nanoTime() < end) {
						try {
							HTTP.send(request, HttpResponse.BodyHandlers.discarding());
							done.incrementAndGet();
						}
						catch (IOException e) {
							// Counted as not done.
						}
						catch (InterruptedException e) {
							Thread.currentThread().interrupt();
							return;
						}
					}
				});
			}
		}
		dump();
		return done.get() / (double) duration.toSeconds();
	}

	private List<String> dump() throws IOException, InterruptedException {
		String body = HTTP.send(HttpRequest.newBuilder(URI.create(receiverBase + "/dump")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		return body.isBlank() ? List.of() : List.of(body.split("\n"));
	}

	private static int countFast(List<String> notes) {
		return (int) notes.stream().filter(n -> n.startsWith("/fast/")).count();
	}

	/** Where the database's time went in the run: the statements that took most of it (pg_stat_statements). */
	private String databaseTime(String run) {
		StringBuilder out = new StringBuilder();
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				ResultSet rs = connection.createStatement().executeQuery("""
						SELECT calls, total_exec_time, mean_exec_time, max_exec_time,
						       regexp_replace(left(query, 90), '\\s+', ' ', 'g') AS query
						FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6""")) {
			out.append("Database time in this run (top statements):%n%n| calls | total | mean | max | statement |%n|---|---|---|---|---|%n".formatted());
			while (rs.next()) {
				out.append(String.format(Locale.ROOT, "| %d | %.0f ms | %.2f ms | %.1f ms | `%s` |%n", rs.getLong(1),
						rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getString(5).replace("|", "\\|")));
			}
			return out.append(System.lineSeparator()).toString();
		}
		catch (SQLException e) {
			return "(pg_stat_statements unavailable in run " + run + ": " + e.getMessage() + ")" + System.lineSeparator();
		}
	}

	private void sql(String statement) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
			connection.createStatement().execute(statement);
		}
		catch (SQLException e) {
			throw new IllegalStateException(e);
		}
	}

	private long dueNow() {
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				ResultSet rs = connection.createStatement()
					.executeQuery("SELECT count(*) FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()")) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException e) {
			return -1;
		}
	}

	/** Opens chats for {@code count} new customers on the demo's support number, so that load spreads over chats. */
	private static List<String> openChats(Api api, int count) {
		String number = api.get("/api/v1/business-numbers").json().get("data").valueStream()
			.filter(n -> n.get("displayName").asString().equals("Acme Support"))
			.findFirst()
			.orElseThrow()
			.get("id")
			.asString();
		List<String> chats = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String customer = api.post("/api/v1/customers", """
					{"name": "Load %d", "phone": "+9198%08d"}""".formatted(i, 10_000_000 + i)).json().get("id").asString();
			chats.add(api.post("/api/v1/chats", """
					{"businessNumberId": "%s", "customerId": "%s"}""".formatted(number, customer)).json().get("id").asString());
		}
		return chats;
	}

	/** A {@link Receiver} in a JVM of its own, so that it does not share the sender's heap and threads. */
	static Process receiver(int port, Path log) throws IOException {
		return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
				System.getProperty("java.class.path"), Receiver.class.getName(), Integer.toString(port))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	private static void awaitReceiver(String base) throws Exception {
		for (int i = 0; i < 100; i++) {
			try {
				HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dump")).build(), HttpResponse.BodyHandlers.discarding());
				return;
			}
			catch (IOException e) {
				Thread.sleep(100);
			}
		}
		throw new IllegalStateException("the receiver did not start");
	}

	private static String memory() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					long kb = Long.parseLong(line.replaceAll("\\D", ""));
					return String.format(Locale.ROOT, "%.0f GiB", kb / 1024.0 / 1024.0);
				}
			}
		}
		catch (IOException e) {
			// Not Linux.
		}
		return "unknown";
	}

	static int freePort() throws IOException {
		try (var socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
