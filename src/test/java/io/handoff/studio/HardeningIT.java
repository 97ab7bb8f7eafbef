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
			.allSatisfy(cookie -> assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax"));
	}
}
