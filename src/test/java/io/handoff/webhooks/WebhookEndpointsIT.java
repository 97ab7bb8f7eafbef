package io.handoff.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import io.handoff.platform.Caller;
import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;
import io.handoff.support.Schemas;
import io.handoff.support.StandardWebhooks;

/** Settings → Webhooks over the API, with a real receiver on a local port. */
@IntegrationTest
class WebhookEndpointsIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	WebhookService webhooks;

	@Autowired
	io.handoff.delivery.DeliveryService deliveryService;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MutableClock clock;

	Fixtures.Workspace ws;

	Api api;

	MockWebServer receiver;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		receiver = new MockWebServer();
		receiver.start();
	}

	@AfterEach
	void tearDown() {
		receiver.close();
		clock.reset();
	}

	@Test
	void createsAnEndpointWithEveryField() {
		Api.Response created = api.post("/api/v1/webhooks", """
				{"name": "CRM lead owner", "url": "%s",
				 "businessNumbers": ["%s", "+91 90000 00001"],
				 "eventTypes": ["chat.assigned", "chat.unassigned", "endpoint.disabled", "delivery.exhausted"],
				 "headers": {"X-Tenant": "acme", "X-Api-Key": "k-1234567890-abcd"},
				 "auth": {"type": "basic", "username": "handoff", "password": "pa55-w0rd-secret"},
				 "bodyFormat": "form", "ordering": "per_chat", "rateLimitPerSecond": 5, "retryOnTimeout": false}
				""".formatted(receiver.url("/hook"), ws.support().id()));

		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String secret = created.json().get("secret").asString();
		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
		JsonNode endpoint = created.json().get("endpoint");
		assertThat(endpoint.get("id").asString()).startsWith("ep_");
		assertThat(endpoint.get("name").asString()).isEqualTo("CRM lead owner");
		assertThat(endpoint.get("url").asString()).isEqualTo(receiver.url("/hook").toString());
		assertThat(endpoint.get("allBusinessNumbers").asBoolean()).isFalse();
		assertThat(endpoint.get("businessNumberIds")).extracting(JsonNode::asString)
			.containsExactly(ws.support().id().value(), ws.sales().id().value());
		assertThat(endpoint.get("eventTypes")).hasSize(4);
		assertThat(endpoint.at("/headers/X-Tenant").asString()).isEqualTo("acme");
		assertThat(endpoint.at("/headers/X-Api-Key").asString()).isEqualTo("••••abcd");
		assertThat(endpoint.at("/auth/type").asString()).isEqualTo("basic");
		assertThat(endpoint.at("/auth/username").asString()).isEqualTo("handoff");
		assertThat(endpoint.get("bodyFormat").asString()).isEqualTo("form");
		assertThat(endpoint.get("ordering").asString()).isEqualTo("per_chat");
		assertThat(endpoint.get("rateLimitPerSecond").asInt()).isEqualTo(5);
		assertThat(endpoint.get("retryOnTimeout").asBoolean()).isFalse();
		assertThat(endpoint.get("enabled").asBoolean()).isTrue();
		assertThat(created.body()).doesNotContain("pa55-w0rd-secret", "k-1234567890-abcd");

		String id = endpoint.get("id").asString();
		Api.Response fetched = api.get("/api/v1/webhooks/" + id);
		assertThat(fetched.json()).isEqualTo(endpoint);
		assertThat(fetched.body()).doesNotContain(secret);
		assertThat(api.get("/api/v1/webhooks").json().get("data")).hasSize(1);
	}

	@Test
	void defaultsSuitAutomationTools() {
		JsonNode endpoint = create("Zapier", receiver.url("/catch").toString()).get("endpoint");

		assertThat(endpoint.get("allBusinessNumbers").asBoolean()).isTrue();
		assertThat(endpoint.get("businessNumberIds")).isEmpty();
		assertThat(endpoint.at("/auth/type").asString()).isEqualTo("none");
		assertThat(endpoint.get("bodyFormat").asString()).isEqualTo("json");
		assertThat(endpoint.get("ordering").asString()).isEqualTo("none");
		assertThat(endpoint.get("rateLimitPerSecond").isNull()).isTrue();
		assertThat(endpoint.get("retryOnTimeout").asBoolean()).isTrue();
	}

	@Test
	void updatesEnablesDisablesAndDeletes() {
		String id = create("Sheet", receiver.url("/a").toString()).at("/endpoint/id").asString();

		JsonNode updated = api.patch("/api/v1/webhooks/" + id, """
				{"name": "Sheet log", "businessNumbers": ["%s"], "eventTypes": ["chat.unassigned"],
				 "auth": {"type": "bearer", "token": "tok-abcdefghijkl"}, "rateLimitPerSecond": 10}
				""".formatted(ws.sales().id())).json();
		assertThat(updated.get("name").asString()).isEqualTo("Sheet log");
		assertThat(updated.get("url").asString()).isEqualTo(receiver.url("/a").toString());
		assertThat(updated.get("businessNumberIds")).extracting(JsonNode::asString)
			.containsExactly(ws.sales().id().value());
		assertThat(updated.get("eventTypes")).extracting(JsonNode::asString).containsExactly("chat.unassigned");
		assertThat(updated.at("/auth/type").asString()).isEqualTo("bearer");
		assertThat(updated.toString()).doesNotContain("tok-abcdefghijkl");

		JsonNode all = api.patch("/api/v1/webhooks/" + id, """
				{"businessNumbers": [], "rateLimitPerSecond": 0}""").json();
		assertThat(all.get("allBusinessNumbers").asBoolean()).isTrue();
		assertThat(all.get("rateLimitPerSecond").isNull()).isTrue();

		JsonNode disabled = api.post("/api/v1/webhooks/" + id + "/disable", null).json();
		assertThat(disabled.get("enabled").asBoolean()).isFalse();
		assertThat(disabled.get("disabledReason").asString()).isEqualTo("Disabled by Test key");
		assertThat(disabled.get("disabledAt").isNull()).isFalse();
		JsonNode enabled = api.post("/api/v1/webhooks/" + id + "/enable", null).json();
		assertThat(enabled.get("enabled").asBoolean()).isTrue();
		assertThat(enabled.get("disabledReason").isNull()).isTrue();

		assertThat(api.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
		assertThat(api.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
	}

	@Test
	void credentialsAreEncryptedAtRest() {
		JsonNode created = api.post("/api/v1/webhooks", """
				{"name": "Backend", "url": "%s", "eventTypes": ["chat.assigned"],
				 "headers": {"X-Api-Key": "header-secret-value"},
				 "auth": {"type": "bearer", "token": "bearer-secret-value"}}
				""".formatted(receiver.url("/b"))).json();
		String secret = created.get("secret").asString();

		String row = jdbc.sql("SELECT row_to_json(e)::text FROM webhook_endpoints e WHERE id = :id")
			.param("id", created.at("/endpoint/id").asString())
			.query(String.class)
			.single();
		assertThat(row).doesNotContain(secret, secret.substring(6), "header-secret-value", "bearer-secret-value");
		assertThat(row).contains("\"secret_enc\":\"v1:");
	}

	@Test
	void revealsAndRotatesTheSecret() throws Exception {
		JsonNode created = create("Rotating", receiver.url("/r").toString());
		String id = created.at("/endpoint/id").asString();
		String first = created.get("secret").asString();

		JsonNode revealed = api.get("/api/v1/webhooks/" + id + "/secret").json();
		assertThat(revealed.get("secret").asString()).isEqualTo(first);
		assertThat(revealed.get("previousSecret").isNull()).isTrue();

		JsonNode rotated = api.post("/api/v1/webhooks/" + id + "/secret/rotate", null).json();
		String second = rotated.get("secret").asString();
		assertThat(second).startsWith("whsec_").isNotEqualTo(first);
		assertThat(rotated.get("previousSecret").asString()).isEqualTo(first);
		Instant expires = Instant.parse(rotated.get("previousSecretExpiresAt").asString());
		assertThat(expires).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

		// During the overlap both secrets sign, so receivers can switch at their own pace.
		receiver.enqueue(new MockResponse.Builder().code(204).build());
		assertThat(api.post("/api/v1/webhooks/" + id + "/test", null).json().at("/outcome/kind").asString()).isEqualTo("success");
		RecordedRequest request = receiver.takeRequest(5, TimeUnit.SECONDS);
		String header = request.getHeaders().get("webhook-signature");
		assertThat(header.split(" ")).hasSize(2);
		assertThat(verifies(first, request)).isTrue();
		assertThat(verifies(second, request)).isTrue();

		clock.advance(Duration.ofHours(25));
		assertThat(api.get("/api/v1/webhooks/" + id + "/secret").json().get("previousSecret").isNull()).isTrue();
		receiver.enqueue(new MockResponse.Builder().code(204).build());
		api.post("/api/v1/webhooks/" + id + "/test", null);
		RecordedRequest later = receiver.takeRequest(5, TimeUnit.SECONDS);
		assertThat(later.getHeaders().get("webhook-signature").split(" ")).hasSize(1);
		assertThat(verifies(second, later)).isTrue();
		assertThat(verifies(first, later)).isFalse();
	}

	@Test
	void sendsASignedTestEventAndReportsTheOutcome() throws Exception {
		JsonNode created = api.post("/api/v1/webhooks", """
				{"name": "CRM", "url": "%s", "eventTypes": ["chat.assigned"],
				 "headers": {"X-Tenant": "acme"}, "auth": {"type": "basic", "username": "u", "password": "p@ss"}}
				""".formatted(receiver.url("/crm"))).json();
		receiver.enqueue(new MockResponse.Builder().code(200).addHeader("X-Receiver", "crm").body("{\"ok\":true}").build());

		JsonNode result = api.post("/api/v1/webhooks/" + created.at("/endpoint/id").asString() + "/test", null).json();
		JsonNode outcome = result.get("outcome");
		assertThat(result.get("deliveryId").asString()).startsWith("dlv_");

		assertThat(outcome.get("kind").asString()).isEqualTo("success");
		assertThat(outcome.get("status").asInt()).isEqualTo(200);
		assertThat(outcome.get("responseBody").asString()).isEqualTo("{\"ok\":true}");
		assertThat(outcome.at("/responseHeaders/x-receiver").asString()).isEqualTo("crm");
		assertThat(outcome.get("durationMs").asLong()).isNotNegative();
		assertThat(outcome.at("/request/headers/authorization").asString()).isEqualTo("Basic [redacted]");

		RecordedRequest request = receiver.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request.getMethod()).isEqualTo("POST");
		assertThat(request.getHeaders().get("content-type")).startsWith("application/json");
		assertThat(request.getHeaders().get("user-agent")).startsWith("Handoff-Webhooks/");
		assertThat(request.getHeaders().get("x-tenant")).isEqualTo("acme");
		assertThat(request.getHeaders().get("authorization"))
			.isEqualTo("Basic " + Base64.getEncoder().encodeToString("u:p@ss".getBytes(StandardCharsets.UTF_8)));
		long timestamp = Long.parseLong(request.getHeaders().get("webhook-timestamp"));
		assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
		assertThat(verifies(created.get("secret").asString(), request)).isTrue();

		JsonNode event = Api.parse(request.getBody().utf8());
		assertThat(event.get("id").asString()).isEqualTo(request.getHeaders().get("webhook-id"));
		assertThat(event.get("test").asBoolean()).isTrue();
		assertThat(event.get("workspaceId").asString()).isEqualTo(ws.id().value());
		assertThat(Schemas.errors(Schemas.served(api, "chat.assigned"), event)).isEmpty();
	}

	@Test
	void sendsFormBodiesSignedAsSent() throws Exception {
		JsonNode created = api.post("/api/v1/webhooks", """
				{"name": "Pabbly", "url": "%s", "eventTypes": ["chat.assigned"], "bodyFormat": "form"}
				""".formatted(receiver.url("/form"))).json();
		receiver.enqueue(new MockResponse.Builder().code(200).build());

		api.post("/api/v1/webhooks/" + created.at("/endpoint/id").asString() + "/test", null);

		RecordedRequest request = receiver.takeRequest(5, TimeUnit.SECONDS);
		assertThat(request.getHeaders().get("content-type")).startsWith("application/x-www-form-urlencoded");
		String body = request.getBody().utf8();
		assertThat(body).contains("type=chat.assigned", "data%5BcustomerPhone%5D=%2B919111222333",
				"data%5Bassignee%5D%5Bname%5D=John+Doe", "data%5BpreviousAssignee%5D%5Bemail%5D=anita%40company.com",
				"test=true");
		assertThat(verifies(created.get("secret").asString(), request)).isTrue();
	}

	@Test
	void reportsReceiverErrors() {
		String id = create("Failing", receiver.url("/fail").toString()).at("/endpoint/id").asString();
		receiver.enqueue(new MockResponse.Builder().code(500).body("boom").build());

		JsonNode outcome = api.post("/api/v1/webhooks/" + id + "/test", null).json().get("outcome");

		assertThat(outcome.get("kind").asString()).isEqualTo("http_error");
		assertThat(outcome.get("status").asInt()).isEqualTo(500);
		assertThat(outcome.get("responseBody").asString()).isEqualTo("boom");
	}

	@Test
	void doesNotFollowRedirects() throws Exception {
		String id = create("Moved", receiver.url("/old").toString()).at("/endpoint/id").asString();
		receiver.enqueue(new MockResponse.Builder().code(302).addHeader("Location", receiver.url("/new")).build());

		JsonNode outcome = api.post("/api/v1/webhooks/" + id + "/test", null).json().get("outcome");

		assertThat(outcome.get("kind").asString()).isEqualTo("http_error");
		assertThat(outcome.get("status").asInt()).isEqualTo(302);
		receiver.takeRequest(5, TimeUnit.SECONDS);
		assertThat(receiver.takeRequest(300, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void reportsConnectionRefused() throws Exception {
		String url = receiver.url("/gone").toString();
		receiver.close();
		String id = create("Down", url).at("/endpoint/id").asString();

		JsonNode outcome = api.post("/api/v1/webhooks/" + id + "/test", null).json().get("outcome");

		assertThat(outcome.get("kind").asString()).isEqualTo("connection_refused");
		assertThat(outcome.get("status").isNull()).isTrue();
	}

	@Test
	void onlyManagersMayManageEndpoints() {
		Caller agent = new Caller(ws.id(), Caller.Kind.MEMBER, ws.rahul().id().value(), "Rahul Verma", false);
		Caller lead = new Caller(ws.id(), Caller.Kind.MEMBER, ws.anita().id().value(), "Anita Rao", true);
		EndpointSettings settings = new EndpointSettings("Lead's", receiver.url("/x").toString(), null,
				List.of("chat.assigned"), null, null, null, null, null, null, null);

		WebhookService.Created created = webhooks.create(lead, settings);
		EndpointId id = created.endpoint().id();
		assertThat(webhooks.revealSecret(lead, id).secret()).isEqualTo(created.secret());

		List<Runnable> actions = List.of(() -> webhooks.create(agent, settings), () -> webhooks.get(agent, id),
				() -> webhooks.list(agent, new io.handoff.platform.PageRequest(10, null)),
				() -> webhooks.update(agent, id, settings), () -> webhooks.setEnabled(agent, id, false),
				() -> webhooks.revealSecret(agent, id), () -> webhooks.rotateSecret(agent, id),
				() -> deliveryService.sendTest(agent, id), () -> webhooks.delete(agent, id));
		for (Runnable action : actions) {
			assertThatThrownBy(action::run).isInstanceOf(Caller.Forbidden.class);
		}
		assertThat(webhooks.get(lead, id).enabled()).isTrue();
		assertThat(webhooks.revealSecret(lead, id).secret()).isEqualTo(created.secret());
		assertThat(receiver.getRequestCount()).isZero();
	}

	@Test
	void endpointsOfAnotherWorkspaceAreNotFound() {
		String id = create("Mine", receiver.url("/m").toString()).at("/endpoint/id").asString();
		Api other = fixtures.workspace().api();

		assertThat(other.get("/api/v1/webhooks/" + id).status()).isEqualTo(404);
		assertThat(other.get("/api/v1/webhooks").json().get("data")).isEmpty();
		assertThat(other.patch("/api/v1/webhooks/" + id, "{\"name\": \"taken\"}").status()).isEqualTo(404);
		assertThat(other.get("/api/v1/webhooks/" + id + "/secret").status()).isEqualTo(404);
		assertThat(other.post("/api/v1/webhooks/" + id + "/secret/rotate", null).status()).isEqualTo(404);
		assertThat(other.post("/api/v1/webhooks/" + id + "/test", null).status()).isEqualTo(404);
		assertThat(other.post("/api/v1/webhooks/" + id + "/disable", null).status()).isEqualTo(404);
		assertThat(other.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
		assertThat(api.get("/api/v1/webhooks/" + id).json().get("name").asString()).isEqualTo("Mine");
		assertThat(receiver.getRequestCount()).isZero();
	}

	private JsonNode create(String name, String url) {
		Api.Response response = api.post("/api/v1/webhooks", """
				{"name": "%s", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(name, url));
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		return response.json();
	}

	private static boolean verifies(String secret, RecordedRequest request) {
		return StandardWebhooks.verify(secret, request.getHeaders().get("webhook-id"),
				request.getHeaders().get("webhook-timestamp"), request.getBody().toByteArray(),
				request.getHeaders().get("webhook-signature"));
	}
}
