package io.handoff.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.support.Api;
import io.handoff.support.NodeProcess;

/**
 * Bot Studio against n8n on the same machine, the same afternoon: the flow "On Webhook → map three fields → HTTP
 * Request to a local receiver" built in both (in n8n through its REST API: Webhook answering at once, HTTP Request
 * with the three fields mapped by expressions, executions saved in SQLite as n8n does by default), offered at fixed
 * rates by an open-loop Node load generator ({@code bench/node/offer.mjs}) that is also the receiver, so one clock
 * times each request from its send to the forwarded call. The two systems alternate at every rate (which one goes
 * first swaps from rate to rate); a system that forwards less than half of the offered rate per second is not offered
 * more.
 * <p>
 * Run with {@code bench/studio-vs-n8n.sh [seconds-per-round] [rates]}; the script installs n8n from npm.
 */
public final class StudioVsN8nBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** {@code -Dbench.handoff-only=true}: Handoff's rows alone, to measure a change quickly. */
	private static final boolean HANDOFF_ONLY = Boolean.getBoolean("bench.handoff-only")
			|| Boolean.getBoolean("bench.hook-only");

	/**
	 * {@code -Dbench.hook-only=true}: the hook endpoint alone, on a node that accepts hooks and runs no bots (a
	 * supported layout: {@code handoff.studio.runner-enabled=false}), so its answer time is the cost of storing the
	 * request and its queued run, durably.
	 */
	private static final boolean HOOK_ONLY = Boolean.getBoolean("bench.hook-only");

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		List<Integer> rates = new ArrayList<>();
		for (String rate : (args.length > 1 ? args[1] : "100,200,400,800,1000").split(",")) {
			rates.add(Integer.parseInt(rate.strip()));
		}
		Path n8nHome = Path.of(args.length > 2 ? args[2] : System.getenv().getOrDefault("N8N_DIR", "target/n8n"));
		Path offer = Path.of("bench/node/offer.mjs").toAbsolutePath();
		Path work = Files.createTempDirectory("handoff-vs-n8n");
		int receiverPort = DeliveryBenchmark.freePort();
		String forward = "http://127.0.0.1:" + receiverPort + "/forward";

		try (EmbeddedPostgres postgres = BenchPostgres.durable().setServerConfig("max_connections", "300").start();
				NodeProcess node = NodeProcess.start("bench", postgres.getJdbcUrl("postgres", "postgres"), work,
						"--handoff.demo=true", "--logging.level.root=WARN", "--logging.level.io.handoff.inbox=INFO",
						"--spring.datasource.hikari.maximum-pool-size=40",
						// Measures throughput, not the flood guard.
						"--handoff.studio.hook-rate-per-second=0",
						"--handoff.studio.runner-enabled=" + !HOOK_ONLY);
				N8n n8n = HANDOFF_ONLY ? null : N8n.start(n8nHome, work.resolve("n8n"))) {
			List<Long> processes = new ArrayList<>(List.of(node.pid()));
			if (n8n != null) {
				processes.add(n8n.process.pid());
			}
			Map<String, String> hooks = new LinkedHashMap<>();
			hooks.put("Handoff", handoffFlow(new Api(node.baseUrl(),
					node.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30))), forward));
			if (n8n != null) {
				hooks.put("n8n", n8n.flow(forward));
			}

			System.out.printf("## Bot Studio and n8n %s, the same flow%n%n", n8n == null ? "(not run)" : n8n.version());
			System.out.printf(Locale.ROOT, "Machine: %d cores. Handoff: one node, embedded PostgreSQL 17 (fsync and "
					+ "synchronous_commit on), runs saved. n8n: `n8n start`, SQLite, executions saved (its defaults). Flow: "
					+ "webhook → three fields mapped → HTTP Request to the load generator's receiver. Open loop, %d s per "
					+ "round, Node load generator.%n%n", Runtime.getRuntime().availableProcessors(), seconds);
			JsonNode ceiling = run(offer, "--ceiling", "--receiver-port", String.valueOf(receiverPort), "--seconds", "5");
			System.out.printf("Load generator and receiver's own ceiling (one process sending and receiving): %d requests/s%n%n",
					ceiling.get("ceilingPerSecond").asInt());

			// Warm-up, not reported: the JIT compiler on the one side (20 s at 400/s), n8n's first executions on the
			// other (20 s at 50/s, a rate it keeps up with).
			for (String system : hooks.keySet()) {
				round(offer, hooks.get(system), system.equals("Handoff") ? 400 : 50, 20, receiverPort);
				settle(processes);
			}
			Map<String, Map<Integer, JsonNode>> results = new LinkedHashMap<>();
			hooks.keySet().forEach(system -> results.put(system, new LinkedHashMap<>()));
			for (int i = 0; i < rates.size(); i++) {
				int rate = rates.get(i);
				List<String> order = new ArrayList<>(hooks.keySet());
				if (i % 2 == 1) {
					java.util.Collections.reverse(order);
				}
				for (String system : order) {
					if (saturatedBelow(results.get(system), rate)) {
						continue;
					}
					JsonNode result = round(offer, hooks.get(system), rate, seconds, receiverPort);
					results.get(system).put(rate, result);
					settle(processes);
					System.err.printf("%s at %d/s: %s%n", system, rate, result);
				}
			}
			print(rates, results, seconds);
		}
	}

	/** A bot with three mapped fields and an HTTP Request forwarding them; its hook URL. */
	private static String handoffFlow(Api api, String forward) {
		JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Studio against n8n\", \"status\": \"active\"}").json();
		String id = bot.get("id").asString();
		api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "chatId", "path": "/body/data/chatId", "required": true},
				 {"name": "customerNumber", "path": "/body/data/customerPhone", "transforms": ["e164"]},
				 {"name": "agentEmail", "path": "/body/data/assignedUserEmail", "transforms": ["lowercase"]}]""");
		Api.Response steps = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "http_request", "config": {"method": "POST", "url": "%s",
				  "body": "{\\"id\\": \\"{{chatId}}\\", \\"customer\\": \\"{{customerNumber}}\\", \\"owner\\": \\"{{agentEmail}}\\"}"}}]"""
			.formatted(forward));
		if (steps.status() != 200) {
			throw new IllegalStateException("Could not build the Handoff flow: " + steps);
		}
		return bot.at("/trigger/hookUrl").asString();
	}

	private static boolean saturatedBelow(Map<Integer, JsonNode> earlier, int rate) {
		return !HOOK_ONLY && earlier.entrySet().stream().anyMatch(e -> e.getKey() < rate
				&& e.getValue().get("forwardedPerSecond").asInt() < e.getKey() / 2);
	}

	private static JsonNode round(Path offer, String url, int rate, int seconds, int receiverPort) throws Exception {
		// Every round is followed by settle(), which waits for both systems to be idle.
		return run(offer, "--url", url, "--rate", String.valueOf(rate), "--seconds", String.valueOf(seconds),
				"--receiver-port", String.valueOf(receiverPort), "--drain-seconds", HOOK_ONLY ? "0" : "60");
	}

	/**
	 * Waits until both systems are idle (each under 5% of a core over 2 s, for at most 3 minutes), so that a round
	 * never shares the machine with the last one's backlog: a flooded n8n goes on working through requests it has
	 * already given up answering.
	 */
	private static void settle(List<Long> pids) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		while (System.nanoTime() < deadline) {
			long before = pids.stream().mapToLong(StudioVsN8nBenchmark::cpuTicks).sum();
			Thread.sleep(2000);
			long after = pids.stream().mapToLong(StudioVsN8nBenchmark::cpuTicks).sum();
			// Clock ticks are 1/100 s: 5% of a core over 2 s, per process, is 10 ticks.
			if (after - before <= 10L * pids.size()) {
				return;
			}
		}
	}

	/** User and system CPU time of a process so far, in clock ticks (from /proc). */
	private static long cpuTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException e) {
			return 0;
		}
	}

	private static JsonNode run(Path script, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("node", script.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		String out = new String(process.getInputStream().readAllBytes()).strip();
		if (process.waitFor() != 0 || out.isEmpty()) {
			throw new IllegalStateException("The load generator failed: " + out);
		}
		return JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
	}

	private static void print(List<Integer> rates, Map<String, Map<Integer, JsonNode>> results, int seconds) {
		if (HOOK_ONLY) {
			System.out.println("| offered/s | accepted (2xx) | refused or failed | hook answer p50 | p95 | p99 | max |");
			System.out.println("|---|---|---|---|---|---|---|");
			results.get("Handoff").forEach((rate, r) -> System.out.printf(Locale.ROOT, "| %d | %d | %d | %s | %s | %s | %s |%n",
					rate, r.get("accepted").asInt(), r.get("failed").asInt(), ms(r.at("/answer/p50")), ms(r.at("/answer/p95")),
					ms(r.at("/answer/p99")), ms(r.at("/answer/max"))));
			System.out.printf("%nA node with runner-enabled=false: each 202 means the request and its queued run are committed. "
					+ "%d s per round.%n", seconds);
			return;
		}
		List<String> systems = List.copyOf(results.keySet());
		StringBuilder header = new StringBuilder("| offered/s |");
		StringBuilder rule = new StringBuilder("|---|");
		for (String system : systems) {
			header.append(" ").append(system).append(" forwarded/s | hook answer p99 | send → forward p50 | p99 | lost |");
			rule.append("---|---|---|---|---|");
		}
		System.out.println(header);
		System.out.println(rule);
		for (int rate : rates) {
			StringBuilder row = new StringBuilder("| " + rate + " |");
			for (String system : systems) {
				JsonNode r = results.get(system).get(rate);
				if (r == null) {
					row.append(" – | – | – | – | – |");
					continue;
				}
				row.append(String.format(Locale.ROOT, " %d | %s | %s | %s | %d |", r.get("forwardedPerSecond").asInt(),
						ms(r.at("/answer/p99")), ms(r.at("/endToEnd/p50")), ms(r.at("/endToEnd/p99")),
						r.get("sent").asInt() - r.get("forwarded").asInt()));
			}
			System.out.println(row);
		}
		System.out.printf("%n\"lost\": requests sent whose forward had not arrived 60 s after the round's last send (refused, "
				+ "failed or still queued); \"–\": not offered, the system forwarded less than half of a lower offered rate per second. %d s per round.%n",
				seconds);
	}

	private static String ms(JsonNode value) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			return "–";
		}
		double ms = value.asDouble();
		return ms >= 1000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000) : String.format(Locale.ROOT, "%.1f ms", ms);
	}

	/** n8n as its own process: `n8n start` with SQLite in a fresh user folder, an owner, and the flow. */
	static final class N8n implements AutoCloseable {

		private final Process process;
		private final String base;
		// HTTP/1.1: n8n's start-up page never answers the JDK client's h2c upgrade request.
		private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
		private final String version;

		private N8n(Process process, String base, String version) {
			this.process = process;
			this.base = base;
			this.version = version;
		}

		static N8n start(Path home, Path folder) throws Exception {
			Path bin = home.resolve("node_modules/n8n/bin/n8n").toAbsolutePath();
			if (!Files.exists(bin)) {
				throw new IllegalStateException("n8n is not installed in " + home + " (bench/studio-vs-n8n.sh installs it)");
			}
			String version = JSON.readTree(Files.readString(home.resolve("node_modules/n8n/package.json")))
				.get("version").asString();
			Files.createDirectories(folder);
			int port = DeliveryBenchmark.freePort();
			ProcessBuilder builder = new ProcessBuilder("node", bin.toString(), "start")
				.redirectErrorStream(true)
				.redirectOutput(folder.resolve("n8n.log").toFile());
			Map<String, String> env = builder.environment();
			env.put("N8N_USER_FOLDER", folder.toString());
			env.put("N8N_PORT", String.valueOf(port));
			env.put("N8N_LISTEN_ADDRESS", "127.0.0.1");
			env.put("N8N_DIAGNOSTICS_ENABLED", "false");
			env.put("N8N_VERSION_NOTIFICATIONS_ENABLED", "false");
			env.put("N8N_TEMPLATES_ENABLED", "false");
			env.put("N8N_PERSONALIZATION_ENABLED", "false");
			env.put("N8N_SECURE_COOKIE", "false");
			env.put("N8N_LOG_LEVEL", "warn");
			// n8n's recommended SQLite set-up (WAL and a pool of readers); without it n8n warns that it is deprecated.
			env.put("DB_SQLITE_POOL_SIZE", System.getProperty("bench.n8n.sqlite-pool", "4"));
			env.put("N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS", "false");
			env.put("WEBHOOK_URL", "http://127.0.0.1:" + port + "/");
			N8n n8n = new N8n(builder.start(), "http://127.0.0.1:" + port, version);
			n8n.awaitUp(folder.resolve("n8n.log"));
			return n8n;
		}

		String version() {
			return version;
		}

		private void awaitUp(Path log) throws Exception {
			long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
			while (System.nanoTime() < deadline) {
				if (!process.isAlive()) {
					throw new IllegalStateException("n8n exited: " + Files.readString(log));
				}
				try {
					// While it migrates its database, n8n answers every path with 200 and "n8n is starting up".
					HttpResponse<String> settings = http.send(HttpRequest.newBuilder(URI.create(base + "/rest/settings"))
						.timeout(Duration.ofSeconds(5)).build(),
							HttpResponse.BodyHandlers.ofString());
					if (settings.statusCode() == 200 && settings.body().startsWith("{")) {
						return;
					}
				}
				catch (IOException notYet) {
					// starting
				}
				Thread.sleep(500);
			}
			throw new IllegalStateException("n8n did not start within 3 minutes");
		}

		/** The owner, the workflow (Webhook → HTTP Request), activated; its production webhook URL. */
		String flow(String forward) throws Exception {
			post("/rest/owner/setup", """
					{"email": "bench@handoff.example", "firstName": "Bench", "lastName": "Mark", "password": "Benchmark-2026"}""");
			post("/rest/login", """
					{"emailOrLdapLoginId": "bench@handoff.example", "password": "Benchmark-2026"}""");
			String body = "={\"id\": \"{{ $json.body.data.chatId }}\", "
					+ "\"customer\": \"{{ '+' + $json.body.data.customerPhone.replace(/\\D/g, '') }}\", "
					+ "\"owner\": \"{{ $json.body.data.assignedUserEmail.toLowerCase() }}\"}";
			ObjectNode workflow = JSON.createObjectNode();
			workflow.put("name", "Studio against n8n");
			workflow.put("active", false);
			workflow.putObject("settings").put("executionOrder", "v1");
			ObjectNode webhook = workflow.putArray("nodes").addObject();
			webhook.put("id", UUID.randomUUID().toString()).put("name", "Webhook").put("type", "n8n-nodes-base.webhook")
				.put("typeVersion", 2).put("webhookId", UUID.randomUUID().toString());
			webhook.putArray("position").add(0).add(0);
			webhook.putObject("parameters").put("httpMethod", "POST").put("path", "studio")
				.put("responseMode", "onReceived").putObject("options");
			ObjectNode request = workflow.withArray("nodes").addObject();
			request.put("id", UUID.randomUUID().toString()).put("name", "HTTP Request")
				.put("type", "n8n-nodes-base.httpRequest").put("typeVersion", 4.2);
			request.putArray("position").add(220).add(0);
			request.putObject("parameters").put("method", "POST").put("url", forward).put("sendBody", true)
				.put("specifyBody", "json").put("jsonBody", body).putObject("options");
			workflow.putObject("connections").putObject("Webhook").putArray("main").addArray().addObject()
				.put("node", "HTTP Request").put("type", "main").put("index", 0);
			JsonNode created = post("/rest/workflows", workflow.toString()).path("data");
			post("/rest/workflows/" + created.get("id").asString() + "/activate",
					JSON.createObjectNode().put("versionId", created.get("versionId").asString()).toString());
			return base + "/webhook/studio";
		}

		private JsonNode post(String path, String json) throws Exception {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				throw new IllegalStateException("n8n " + path + " answered " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}

		@Override
		public void close() {
			process.destroy();
			try {
				if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException e) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}
}
