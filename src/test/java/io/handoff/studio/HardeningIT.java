package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** Inputs from the outside that must not bend Handoff: probes of hooks, line breaks in headers, cross-site cookies. */
@IntegrationTest
class HardeningIT {

	@Autowired
	Fixtures fixtures;

	Fixtures.Workspace ws;

	Api api;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
	}

	@Test
	void aHeadRequestToAHookAnswersWithoutARun() throws Exception {
		JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Probed\", \"trigger\": \"webhook\", \"status\": \"active\"}").json();
		HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
				URI.create(bot.at("/trigger/hookUrl").asString())).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.discarding());
		assertThat(head.statusCode()).isEqualTo(200);
		Thread.sleep(300);
		assertThat(api.get("/api/v1/bots/" + bot.get("id").asString() + "/runs").json().get("data")).isEmpty();
	}

	/**
	 * A flood to one bot's URL: past the burst (200 by default) and the rate (50 a second) senders get 429 with
	 * Retry-After, as problem+json, and another bot's URL is not affected.
	 */
	@Test
	void aFloodToOneBotsUrlIsAnswered429WithRetryAfter() throws Exception {
		URI flooded = URI.create(api.post("/api/v1/bots", "{\"name\": \"Flooded\"}").json().at("/trigger/hookUrl")
			.asString());
		URI other = URI.create(api.post("/api/v1/bots", "{\"name\": \"Quiet\"}").json().at("/trigger/hookUrl")
			.asString());
		HttpClient http = HttpClient.newHttpClient();
		java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
		java.util.Queue<HttpResponse<String>> limited = new java.util.concurrent.ConcurrentLinkedQueue<>();
		try (var threads = java.util.concurrent.Executors.newFixedThreadPool(16)) {
			for (int i = 0; i < 1000; i++) {
				threads.submit(() -> {
					HttpResponse<String> response = http.send(HttpRequest.newBuilder(flooded)
						.POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
					statuses.computeIfAbsent(response.statusCode(), s -> new java.util.concurrent.atomic.AtomicInteger())
						.incrementAndGet();
					if (response.statusCode() == 429) {
						limited.add(response);
					}
					return null;
				});
			}
		}
		// The bot is a draft, so what gets through is refused as not active (409), cheaply.
		assertThat(statuses.keySet()).as(statuses.toString()).containsExactlyInAnyOrder(409, 429);
		assertThat(statuses.get(429).get()).as(statuses.toString()).isGreaterThan(300);
		HttpResponse<String> one = limited.peek();
		assertThat(Integer.parseInt(one.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
		assertThat(one.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
		assertThat(Api.parse(one.body()).get("code").asString()).isEqualTo("rate_limited");
		HttpResponse<String> quiet = http.send(HttpRequest.newBuilder(other).POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(quiet.statusCode()).isEqualTo(409);
	}

	@Test
	void aLineBreakInATemplatedHeaderFailsTheStepAndEndsTheRun() {
		JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Headers\", \"trigger\": \"webhook\", \"status\": \"active\"}").json();
		String id = bot.get("id").asString();
		api.put("/api/v1/bots/" + id + "/variables", "[{\"name\": \"who\", \"path\": \"/body/who\"}]");
		Api.Response steps = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "http_request", "config": {"method": "POST", "url": "https://example.com/x",
				  "headers": {"X-Who": "{{who}}"}}}]""");
		assertThat(steps.status()).as(steps.body()).isEqualTo(200);

		Hooks.postJson(bot.at("/trigger/hookUrl").asString(), "{\"who\": \"a\\r\\nInjected: yes\"}");

		JsonNode run = Await.value("the run ends", () -> api.get("/api/v1/bots/" + id + "/runs").json().at("/data/0"),
				r -> !r.isMissingNode() && r.get("status").asString().equals("failed"));
		assertThat(run.get("error").asString()).contains("line break").doesNotContain("Injected");
		assertThat(run.get("tries").asInt()).isEqualTo(1);
	}

	@Test
	void consoleCookiesStaySameSiteAndReferrersStayHome() throws Exception {
		HttpResponse<String> login = HttpClient.newHttpClient().send(
				HttpRequest.newBuilder(URI.create(api.base() + "/login")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.headers().firstValue("Referrer-Policy")).contains("same-origin");
		assertThat(login.headers().allValues("Set-Cookie")).isNotEmpty()
			.allSatisfy(cookie -> assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax")
				.doesNotContain("Secure"));
		// Behind a TLS-terminating proxy (server.forward-headers-strategy=native, as the tests run), the cookie is
		// Secure and the browser is told to stay on HTTPS.
		HttpResponse<String> proxied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
				URI.create(api.base() + "/login")).header("X-Forwarded-Proto", "https").build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(proxied.headers().allValues("Set-Cookie")).isNotEmpty()
			.allSatisfy(cookie -> assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Secure"));
		assertThat(proxied.headers().firstValue("Strict-Transport-Security")).isPresent();
	}
}
