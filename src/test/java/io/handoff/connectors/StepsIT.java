package io.handoff.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** The HTTP Request and Google Sheets steps against local servers that check what they receive. */
@IntegrationTest
class StepsIT {

	@Autowired
	Fixtures fixtures;

	Fixtures.Workspace ws;

	Api api;

	MockWebServer server;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		server = new MockWebServer();
		server.start();
	}

	@AfterEach
	void tearDown() {
		server.close();
	}

	@Test
	void httpRequestsAreTemplatedAuthenticatedRetriedAndFeedLaterSteps() throws Exception {
		AtomicInteger posts = new AtomicInteger();
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				if (request.getMethod().equals("POST") && posts.incrementAndGet() == 1) {
					return new MockResponse.Builder().code(500).body("{\"error\": \"try again\"}").build();
				}
				if (request.getMethod().equals("POST")) {
					return new MockResponse.Builder().code(201).addHeader("Content-Type", "application/json")
						.body("{\"id\": \"L-42\", \"created\": true}").build();
				}
				return new MockResponse.Builder().code(200).body("ok").build();
			}
		});
		String connection = api.post("/api/v1/connections", """
				{"type": "http", "name": "Leads API", "settings": {"auth": "basic", "username": "handoff"},
				 "secrets": {"password": "s3cret-pass"}}""").json().get("id").asString();
		JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"To my backend\", \"status\": \"active\"}").json();
		String id = bot.get("id").asString();
		api.put("/api/v1/bots/" + id + "/variables", """
				[{"name": "customerNumber", "path": "/body/phone", "transforms": ["e164"]},
				 {"name": "agentName", "path": "/body/agent"}, {"name": "note", "path": "/body/note"},
				 {"name": "source", "path": "/query/source"}]""");
		Api.Response steps = api.put("/api/v1/bots/" + id + "/steps", """
				[{"id": "create", "type": "http_request", "config": {"method": "POST", "url": "%s",
				  "query": {"source": "{{source}}"}, "headers": {"X-Agent": "{{agentName}}"}, "connectionId": "%s",
				  "body": "{\\"phone\\": \\"{{customerNumber}}\\", \\"note\\": \\"{{note}}\\"}"}},
				 {"id": "confirm", "type": "http_request", "config": {"method": "PUT", "url": "%s/{{steps.create.body.id}}",
				  "bodyType": "form", "body": {"owner": "{{agentName}}"}}}]"""
			.formatted(server.url("/leads"), connection, server.url("/leads")));
		assertThat(steps.status()).as(steps.body()).isEqualTo(200);

		Api.Response accepted = io.handoff.studio.HooksAccess.postJson(bot.at("/trigger/hookUrl").asString() + "?source=whatsapp",
				"{\"phone\": \"919111222333\", \"agent\": \"John Doe\", \"note\": \"said \\\"call me\\\"\\nafter 5\"}");
		String run = accepted.json().get("runId").asString();
		JsonNode done = Await.value("the run", () -> api.get("/api/v1/bots/" + id + "/runs/" + run).json(),
				r -> r.get("status").asString().equals("succeeded") || r.get("status").asString().equals("failed"));
		assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("succeeded");
		assertThat(done.at("/steps/0/output/status").asInt()).isEqualTo(201);
		assertThat(done.at("/steps/0/output/body/id").asString()).isEqualTo("L-42");
		assertThat(done.at("/steps/0/output/tries").size()).as("a 500, then the answer").isEqualTo(2);
		assertThat(done.toString()).doesNotContain("s3cret-pass");

		RecordedRequest failed = server.takeRequest();
		RecordedRequest created = server.takeRequest();
		assertThat(created.getUrl().encodedPath()).isEqualTo("/leads");
		assertThat(created.getUrl().queryParameter("source")).isEqualTo("whatsapp");
		assertThat(created.getHeaders().get("X-Agent")).isEqualTo("John Doe");
		assertThat(created.getHeaders().get("Authorization"))
			.isEqualTo("Basic " + Base64.getEncoder().encodeToString("handoff:s3cret-pass".getBytes(StandardCharsets.UTF_8)));
		JsonNode body = Api.parse(created.getBody().utf8());
		assertThat(body.get("phone").asString()).isEqualTo("+919111222333");
		assertThat(body.get("note").asString()).isEqualTo("said \"call me\"\nafter 5");
		assertThat(failed.getBody().utf8()).isEqualTo(created.getBody().utf8());
		RecordedRequest confirmed = server.takeRequest();
		assertThat(confirmed.getMethod()).isEqualTo("PUT");
		assertThat(confirmed.getUrl().encodedPath()).isEqualTo("/leads/L-42");
		assertThat(confirmed.getBody().utf8()).isEqualTo("owner=John+Doe");
	}

	@Test
	void aStepCannotPointAtPrivateAddresses() {
		String id = api.post("/api/v1/bots", "{\"name\": \"SSRF\"}").json().get("id").asString();
		Api.Response metadata = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "http_request", "config": {"url": "http://169.254.169.254/latest/meta-data"}}]""");
		assertThat(metadata.status()).isEqualTo(400);
		assertThat(metadata.json().at("/errors/0/field").asString()).isEqualTo("steps[0].config.url");
		Api.Response hostFromInput = api.put("/api/v1/bots/" + id + "/steps", """
				[{"type": "http_request", "config": {"url": "http://{{host}}/x"}}]""");
		assertThat(hostFromInput.status()).isEqualTo(400);
	}

	@Test
	void aSheetsRowIsAppendedWithATokenFromASignedJwt() throws Exception {
		KeyPair keys = KeyPairGenerator.getInstance("RSA").genKeyPair();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		String tokenUri = server.url("/token").toString();
		List<JsonNode> rows = new CopyOnWriteArrayList<>();
		AtomicInteger tokens = new AtomicInteger();
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				String path = request.getUrl().encodedPath();
				if (path.equals("/token")) {
					String form = request.getBody().utf8();
					String assertion = form.replaceFirst(".*assertion=([^&]+).*", "$1");
					if (!form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
							|| !validJwt(assertion, keys, tokenUri)) {
						return new MockResponse.Builder().code(400)
							.body("{\"error\": \"invalid_grant\", \"error_description\": \"Invalid JWT Signature.\"}").build();
					}
					tokens.incrementAndGet();
					return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
						.body("{\"access_token\": \"ya29.c.test-token\", \"expires_in\": 3599, \"token_type\": \"Bearer\"}").build();
				}
				if (!"Bearer ya29.c.test-token".equals(request.getHeaders().get("Authorization"))) {
					return new MockResponse.Builder().code(401).body("{\"error\": {\"code\": 401, \"status\": \"UNAUTHENTICATED\"}}").build();
				}
				if (path.equals("/v4/spreadsheets/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/values/Log:append")
						&& "USER_ENTERED".equals(request.getUrl().queryParameter("valueInputOption"))
						&& "INSERT_ROWS".equals(request.getUrl().queryParameter("insertDataOption"))) {
					rows.add(Api.parse(request.getBody().utf8()).at("/values/0"));
					return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
						.body("{\"spreadsheetId\": \"1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\", \"tableRange\": \"Log!A1:H"
								+ rows.size() + "\", \"updates\": {\"updatedRange\": \"Log!A" + (rows.size() + 1) + ":H"
								+ (rows.size() + 1) + "\", \"updatedRows\": 1, \"updatedColumns\": 8, \"updatedCells\": 8}}")
						.build();
				}
				return new MockResponse.Builder().code(404).body("{\"error\": {\"code\": 404}}").build();
			}
		});
		String key = """
				{"type": "service_account", "project_id": "handoff-test", "private_key_id": "k1",
				 "private_key": %s, "client_email": "handoff@handoff-test.iam.gserviceaccount.com",
				 "token_uri": "%s"}""".formatted(FakeCrm.JSON.writeValueAsString(pem), tokenUri);
		Api.Response connection = api.post("/api/v1/connections", """
				{"type": "google_service_account", "name": "Sheets", "settings": {"baseUrl": "%s"}, "secrets": {"key": %s}}"""
			.formatted(server.url("/"), FakeCrm.JSON.writeValueAsString(key)));
		assertThat(connection.status()).as(connection.body()).isEqualTo(201);
		assertThat(connection.body()).doesNotContain("PRIVATE KEY");
		assertThat(connection.json().at("/settings/clientEmail").asString()).isEqualTo("handoff@handoff-test.iam.gserviceaccount.com");

		Api.Response template = api.post("/api/v1/templates/sheets-assignment-log", """
				{"connectionId": "%s", "spreadsheetId": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "range": "Log"}"""
			.formatted(connection.json().get("id").asString()));
		assertThat(template.status()).as(template.body()).isEqualTo(201);

		api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", "{\"memberId\": \"" + ws.john().id() + "\"}");
		api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", "{\"memberId\": \"" + ws.anita().id() + "\"}");
		Await.until("two rows", () -> rows.size() == 2);
		// Runs are independent, so the two rows may land in either order; each carries its assignment's time.
		JsonNode first = rows.stream().filter(r -> r.get(4).asString().equals("John Doe")).findFirst().orElseThrow();
		assertThat(first.get(1).asString()).isEqualTo(ws.chat().id().value());
		assertThat(first.get(2).asString()).isEqualTo("Rohan Mehta");
		assertThat(first.get(3).asString()).isEqualTo("+919111222333");
		assertThat(first.get(4).asString()).isEqualTo("John Doe");
		assertThat(first.get(5).asString()).isEqualTo("john@company.com");
		assertThat(first.get(6).asString()).isEqualTo("+919000000000");
		assertThat(first.get(7).asString()).isEqualTo("api");
		assertThat(rows.stream().map(r -> r.get(4).asString())).containsExactlyInAnyOrder("John Doe", "Anita Rao");
		assertThat(first.get(0).asString()).endsWith("Z");
		assertThat(tokens.get()).as("the token is reused").isEqualTo(1);
	}

	/** Checks an RS256 JWT as Google's token endpoint does: signature by the key's public half, and its claims. */
	static boolean validJwt(String jwt, KeyPair keys, String audience) {
		try {
			String[] parts = java.net.URLDecoder.decode(jwt, StandardCharsets.UTF_8).split("\\.");
			Signature rsa = Signature.getInstance("SHA256withRSA");
			rsa.initVerify(keys.getPublic());
			rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
			if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
				return false;
			}
			JsonNode header = Api.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
			JsonNode claims = Api.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
			long now = System.currentTimeMillis() / 1000;
			return header.get("alg").asString().equals("RS256")
					&& claims.get("iss").asString().equals("handoff@handoff-test.iam.gserviceaccount.com")
					&& claims.get("scope").asString().equals("https://www.googleapis.com/auth/spreadsheets")
					&& claims.get("aud").asString().equals(audience)
					&& claims.get("exp").asLong() - claims.get("iat").asLong() == 3600
					&& Math.abs(claims.get("iat").asLong() - now) < 300;
		}
		catch (Exception e) {
			return false;
		}
	}
}
