package io.handoff.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.TestDns;

/** Every kind of bad endpoint input gets a problem naming the field, and nothing is stored. */
@IntegrationTest
class WebhookInputIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	TestDns dns;

	Api api;

	MockWebServer receiver;

	@BeforeEach
	void setUp() throws Exception {
		api = fixtures.workspace().api();
		receiver = new MockWebServer();
		receiver.start();
	}

	@AfterEach
	void tearDown() {
		receiver.close();
	}

	@Test
	void refusesMalformedAndForbiddenUrls() {
		for (String url : List.of("not a url", "ht!tp://x", "//example.com/hook", "file:///etc/passwd",
				"gopher://example.com:70/_x", "ftp://example.com/", "https://user:secret@example.com/hook",
				"http://10.0.0.5/hook", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/",
				"http://[::ffff:169.254.169.254]/", "http://[::ffff:10.0.0.1]:8080/", "http://192.168.1.20/",
				"http://0.0.0.0:" + receiver.getPort() + "/", "https://example.com/" + "a".repeat(2100))) {
			assertRefused(settings("\"url\": " + quote(url)), "url");
		}
	}

	@Test
	void refusesFieldsItDoesNotKnowInsteadOfIgnoringThem() {
		Api.Response response = api.post("/api/v1/webhooks", """
				{"name": "Sales CRM", "url": "https://crm.example.com/hook", "eventTypes": ["chat.assigned"],
				 "businessNumberIds": ["num_01M8QPZ0000000000000000000"]}""");
		assertProblem(response, "businessNumberIds");
		assertThat(response.json().at("/errors/0/message").asString()).contains("use businessNumbers");
		assertNothingStored();
	}

	@Test
	void refusesHostNamesThatResolveToInternalAddresses() {
		dns.script("intranet.test", List.of("10.20.30.40"));
		dns.script("metadata.test", List.of("169.254.169.254"));
		dns.script("mixed.test", List.of("93.184.215.14", "192.168.0.10"));
		dns.script("v6.test", List.of("fd12:3456::1"));

		for (String host : List.of("intranet.test", "metadata.test", "mixed.test", "v6.test")) {
			Api.Response response = api.post("/api/v1/webhooks", settings("\"url\": \"https://" + host + "/hook\""));
			assertProblem(response, "url");
			assertThat(response.json().get("detail").asString()).contains("points at a").contains("handoff.webhooks.allowed-networks");
		}
		assertNothingStored();
	}

	@Test
	void refusesAddressesThatChangeAfterSaving() throws Exception {
		// A rebinding name: public when saved, this machine's private network when a request is made.
		dns.script("rebind.test", List.of("93.184.215.14"), List.of("10.0.0.7"));
		receiver.enqueue(new MockResponse.Builder().code(200).build());
		Api.Response created = api.post("/api/v1/webhooks", """
				{"name": "Rebinding", "url": "http://rebind.test:%d/hook", "eventTypes": ["chat.assigned"]}
				""".formatted(receiver.getPort()));
		assertThat(created.status()).isEqualTo(201);

		JsonNode outcome = api.post("/api/v1/webhooks/" + created.json().at("/endpoint/id").asString() + "/test", null)
			.json()
			.get("outcome");

		assertThat(outcome.get("kind").asString()).isEqualTo("blocked");
		assertThat(outcome.get("error").asString()).contains("10.0.0.7");
		assertThat(receiver.takeRequest(300, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void refusesUnknownEventTypesAndNumbers() {
		assertRefused(settings("\"eventTypes\": [\"chat.assigned\", \"chat.deleted\"]"), "eventTypes[1]");
		assertRefused(settings("\"eventTypes\": []"), "eventTypes");
		// Unknown ids are 404 everywhere in the API, as ids of other workspaces are.
		assertRefused(settings("\"businessNumbers\": [\"num_01UNKNOWN\"]"), 404, "businessNumbers[0]");
		assertRefused(settings("\"businessNumbers\": [\"+919999999999\"]"), 404, "businessNumbers[0]");
		assertRefused(settings("\"businessNumbers\": [\"12\"]"), "businessNumbers[0]");
	}

	@Test
	void refusesHeaderInjectionAndReservedHeaders() {
		assertRefused(settings("\"headers\": {\"X-Evil\": \"a\\r\\nX-Injected: 1\"}"), "headers.X-Evil");
		assertRefused(settings("\"headers\": {\"X-Evil\": \"a\\nb\"}"), "headers.X-Evil");
		assertRefused(settings("\"headers\": {\"Bad Name\": \"x\"}"), "headers.Bad Name");
		assertRefused(settings("\"headers\": {\"X-A\\r\\nB\": \"x\"}"), "headers.X-A\r\nB");
		assertRefused(settings("\"headers\": {\"Host\": \"evil.example\"}"), "headers.Host");
		assertRefused(settings("\"headers\": {\"webhook-signature\": \"v1,forged\"}"), "headers.webhook-signature");
		assertRefused(settings("\"headers\": {\"Authorization\": \"Bearer x\"}"), "headers.Authorization");
		assertRefused(settings("\"auth\": {\"type\": \"bearer\", \"token\": \"abc\\r\\nX-Injected: 1\"}"), "auth.token");
	}

	@Test
	void refusesOversizedValues() {
		assertRefused(settings("\"name\": \"" + "n".repeat(101) + "\""), "name");
		assertRefused(settings("\"headers\": {\"X-Big\": \"" + "v".repeat(1025) + "\"}"), "headers.X-Big");
		StringBuilder many = new StringBuilder();
		for (int i = 0; i < 21; i++) {
			many.append(i == 0 ? "" : ",").append("\"X-H").append(i).append("\": \"v\"");
		}
		assertRefused(settings("\"headers\": {" + many + "}"), "headers");
		assertRefused(settings("\"auth\": {\"type\": \"bearer\", \"token\": \"" + "t".repeat(1025) + "\"}"),
				"auth.token");
		assertRefused(settings("\"rateLimitPerSecond\": 1001"), "rateLimitPerSecond");
		assertRefused(settings("\"rateLimitPerSecond\": -1"), "rateLimitPerSecond");
	}

	@Test
	void refusesIncompleteOrMistypedSettings() {
		assertRefused("{\"url\": \"https://example.com/\", \"eventTypes\": [\"chat.assigned\"]}", "name");
		assertRefused("{\"name\": \"x\", \"eventTypes\": [\"chat.assigned\"]}", "url");
		assertRefused("{\"name\": \"x\", \"url\": \"https://example.com/\"}", "eventTypes");
		assertRefused(settings("\"name\": \"   \""), "name");
		assertRefused(settings("\"auth\": {\"type\": \"basic\", \"username\": \"u\"}"), "auth.password");
		assertRefused(settings("\"auth\": {\"type\": \"bearer\"}"), "auth.token");
		assertRefused(settings("\"auth\": {\"type\": \"digest\"}"), "auth.type");
		assertRefused(settings("\"bodyFormat\": \"xml\""), "bodyFormat");
		assertRefused(settings("\"ordering\": \"global\""), "ordering");
		assertRefused(settings("\"rateLimitPerSecond\": \"fast\""), "rateLimitPerSecond");
	}

	@Test
	void aRefusedUpdateChangesNothing() {
		Api.Response created = api.post("/api/v1/webhooks", settings("\"name\": \"Keep me\""));
		String id = created.json().at("/endpoint/id").asString();

		assertProblem(api.patch("/api/v1/webhooks/" + id, """
				{"name": "Changed", "url": "http://169.254.169.254/"}"""), "url");
		assertProblem(api.patch("/api/v1/webhooks/" + id, """
				{"name": "Changed", "eventTypes": ["nope"]}"""), "eventTypes[0]");

		assertThat(api.get("/api/v1/webhooks/" + id).json().get("name").asString()).isEqualTo("Keep me");
	}

	private String settings(String override) {
		String base = "\"name\": \"Endpoint\", \"url\": \"" + receiver.url("/hook") + "\", \"eventTypes\": [\"chat.assigned\"]";
		String key = override.substring(0, override.indexOf(':'));
		String kept = String.join(", ", List.of(base.split(", (?=\")")).stream().filter(p -> !p.startsWith(key)).toList());
		return "{" + kept + ", " + override + "}";
	}

	private void assertRefused(String body, String field) {
		assertRefused(body, 400, field);
	}

	private void assertRefused(String body, int status, String field) {
		assertProblem(api.post("/api/v1/webhooks", body), status, field);
		assertNothingStored();
	}

	private void assertNothingStored() {
		assertThat(api.get("/api/v1/webhooks").json().get("data")).isEmpty();
	}

	private static void assertProblem(Api.Response response, String field) {
		assertProblem(response, 400, field);
	}

	private static void assertProblem(Api.Response response, int status, String field) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().at("/errors/0/field").asString()).as(response.body()).isEqualTo(field);
	}

	private static String quote(String value) {
		return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}
}
