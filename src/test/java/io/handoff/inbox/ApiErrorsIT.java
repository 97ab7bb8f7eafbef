package io.handoff.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** Bad input gets a 4xx problem document that names the field, and nothing is half-written. */
@IntegrationTest
class ApiErrorsIT {

	@Autowired
	Fixtures fixtures;

	Fixtures.Workspace ws;

	Api api;

	@BeforeEach
	void workspace() {
		ws = fixtures.workspace();
		api = ws.api();
	}

	@Test
	void malformedValuesAreBadRequestsNotServerErrors() throws Exception {
		// A lone % cannot be decoded; a client library would refuse to send it, so it goes over a plain socket.
		String raw = rawGet("/api/v1/chats?after=%");
		assertThat(raw).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("\"field\":\"after\"")
			.contains("percent-encoding");
		assertThat(rawGet("/api/v1/chats?limit=%")).startsWith("HTTP/1.1 400").contains("\"field\":\"limit\"");

		// NUL characters in a cursor and in a JSON string cannot be stored: 400, and nothing is written.
		Api.Response cursor = api.get("/api/v1/chats?after=chat_%00x");
		assertThat(cursor.status()).isEqualTo(400);
		assertThat(cursor.contentType()).startsWith("application/problem+json");
		Api.Response name = api.post("/api/v1/customers", "{\"name\": \"Nul\\u0000Name\", \"phone\": \"+919111000999\"}");
		assertThat(name.status()).isEqualTo(400);
		assertThat(name.json().get("detail").asString()).contains("NUL");
		assertThat(api.get("/api/v1/customers?phone=%2B919111000999").status()).isEqualTo(404);

		// Paths the firewall refuses answer problem+json too.
		String path = rawGet("/api/v1/%25");
		assertThat(path).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("invalid_path");
		// And so do paths Tomcat refuses before Handoff sees them, without naming the server.
		for (String refused : java.util.List.of("/api/v1/chats/%00x", "/api/v1/chats/%2e%2e%2fx", "/inbox/%00")) {
			String answer = rawGet(refused);
			assertThat(answer).as(refused).startsWith("HTTP/1.1 400").contains("application/problem+json")
				.contains("invalid_path").doesNotContain("Tomcat").doesNotContain("<html");
		}
	}

	private String rawGet(String target) throws Exception {
		java.net.URI base = java.net.URI.create(api.base());
		try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
			socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
					+ api.key() + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		}
	}

	@Test
	void rejectsInvalidCustomerPhone() {
		assertProblem(api.post("/api/v1/customers", """
				{"name": "Someone", "phone": "+91 12"}"""), 400, "invalid_field", "phone");
		assertProblem(api.post("/api/v1/customers", """
				{"name": "Someone", "phone": "call me"}"""), 400, "invalid_field", "phone");
		assertThat(api.get("/api/v1/customers").json().get("data")).hasSize(1);
	}

	@Test
	void normalisesValidPhoneNumbers() {
		Api.Response created = api.post("/api/v1/customers", """
				{"name": "Priya", "phone": "0044 20 7946 0958"}""");

		assertThat(created.status()).isEqualTo(201);
		assertThat(created.json().get("phone").asString()).isEqualTo("+442079460958");
		assertThat(created.json().get("waId").asString()).isEqualTo("442079460958");
	}

	@Test
	void refusesNullsInsideListsNamingTheElement() {
		Api.Response member = api.post("/api/v1/members", """
				{"name": "X", "email": "x@company.com", "orgRole": "Team Member", "numberRoles": [null]}""");
		assertProblem(member, 400, "invalid_field", "numberRoles[0]");
		assertThat(member.json().get("detail").asString()).isEqualTo("numberRoles[0]: must not be null");
		assertProblem(api.post("/api/v1/bots", """
				{"name": "Router", "businessNumberIds": [null]}"""), 400, "invalid_field", "businessNumberIds[0]");
	}

	@Test
	void rejectsInvalidMemberAndNumberPhones() {
		assertProblem(api.post("/api/v1/members", """
				{"name": "X", "email": "x@company.com", "phone": "123", "orgRole": "Team Member"}"""), 400,
				"invalid_field", "phone");
		assertProblem(api.post("/api/v1/business-numbers", """
				{"number": "+1 000", "displayName": "Broken"}"""), 400, "invalid_field", "number");
	}

	@Test
	void rejectsMissingAndMalformedFields() {
		assertProblem(api.post("/api/v1/customers", "{}"), 400, "invalid_field", "phone");
		assertProblem(api.post("/api/v1/members", """
				{"name": "X", "email": "not-an-email", "orgRole": "Team Member"}"""), 400, "invalid_field", "email");
		assertProblem(api.patch("/api/v1/chats/" + ws.chat().id(), """
				{"status": "resolved"}"""), 400, "invalid_field", "status");
		assertProblem(api.get("/api/v1/chats?limit=0"), 400, "invalid_field", "limit");
		assertProblem(api.get("/api/v1/chats?status=archived"), 400, "invalid_field", "status");
	}

	@Test
	void rejectsMalformedJson() {
		Api.Response response = api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", "{\"memberId\": ");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo("malformed_json");
		assertThat(response.json().get("detail").asString()).contains("not valid JSON");
	}

	@Test
	void rejectsUnknownIds() {
		assertProblem(api.get("/api/v1/chats/chat_01UNKNOWN"), 404, "not_found", "id");
		assertProblem(api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
				{"memberId": "usr_01UNKNOWN"}"""), 404, "not_found", "memberId");
		assertProblem(api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
				{"memberEmail": "nobody@company.com"}"""), 404, "not_found", "memberEmail");
		assertProblem(api.post("/api/v1/chats", """
				{"businessNumberId": "%s", "customerId": "cus_01UNKNOWN"}""".formatted(ws.support().id())), 404,
				"not_found", "customerId");
		assertProblem(api.post("/api/v1/assignments", """
				{"customerPhone": "+919111222999", "businessNumber": "+919000000000", "memberId": "%s"}"""
			.formatted(ws.john().id())), 404, "not_found", "customerPhone");
	}

	@Test
	void requiresExactlyOneWayToNameTheMember() {
		assertProblem(api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", "{}"), 400, "invalid_field",
				"memberId");
		assertProblem(api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
				{"memberId": "%s", "memberEmail": "john@company.com"}""".formatted(ws.john().id())), 400,
				"invalid_field", "memberId");
	}

	@Test
	void rejectsDuplicatesWithConflict() {
		assertProblem(api.post("/api/v1/customers", """
				{"phone": "+91 91112 22333"}"""), 409, "conflict", "phone");
		assertProblem(api.post("/api/v1/chats", """
				{"businessNumberId": "%s", "customerId": "%s"}""".formatted(ws.support().id(), ws.rohan().id())), 409,
				"conflict", "customerId");
		assertProblem(api.post("/api/v1/members", """
				{"name": "J", "email": "JOHN@company.com", "orgRole": "Team Member"}"""), 409, "conflict", "email");
	}

	@Test
	void aFailedCreateWritesNothing() {
		Api.Response response = api.post("/api/v1/members", """
				{"name": "New Agent", "email": "new@company.com", "orgRole": "Team Member",
				 "numberRoles": [{"businessNumberId": "%s", "role": "Team Member"},
				                 {"businessNumberId": "%s", "role": "Chief Vibes Officer"}]}
				""".formatted(ws.support().id(), ws.sales().id()));

		assertProblem(response, 400, "invalid_field", "numberRoles." + ws.sales().id());
		assertThat(response.json().get("detail").asString()).contains("Team Lead");
		assertThat(api.get("/api/v1/members").json().get("data")).hasSize(4);
	}

	@Test
	void customRolesCanBeGiven() {
		assertThat(api.post("/api/v1/roles", """
				{"name": "Night Shift", "base": "team_member"}""").status()).isEqualTo(201);

		Api.Response member = api.post("/api/v1/members", """
				{"name": "Owl", "email": "owl@company.com", "orgRole": "night shift",
				 "numberRoles": [{"businessNumberId": "%s", "role": "Night Shift"}]}
				""".formatted(ws.support().id()));

		assertThat(member.status()).isEqualTo(201);
		assertThat(member.json().get("orgRole").asString()).isEqualTo("Night Shift");
		assertProblem(api.post("/api/v1/roles", """
				{"name": "Night Shift", "base": "team_member"}"""), 409, "conflict", "name");
		assertProblem(api.post("/api/v1/roles", """
				{"name": "Boss", "base": "emperor"}"""), 400, "invalid_field", "base");
	}

	@Test
	void refusesBodiesOverTheLimit() throws Exception {
		String big = "{\"name\": \"" + "x".repeat(1_100_000) + "\", \"phone\": \"+919111222444\"}";
		Api.Response declared = api.post("/api/v1/customers", big);
		assertThat(declared.status()).isEqualTo(413);
		assertThat(declared.json().get("code").asString()).isEqualTo("body_too_large");

		// Without Content-Length the limit applies while reading.
		HttpRequest chunked = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/customers"))
			.header("Authorization", "Bearer " + api.key())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(Api.parse(response.body()).get("code").asString()).isEqualTo("body_too_large");
		assertThat(api.get("/api/v1/customers?phone=%2B919111222444").status()).isEqualTo(404);
	}

	@Test
	void requiresAValidApiKey() {
		assertProblem(api.withKey(null).get("/api/v1/chats"), 401, "unauthenticated", null);
		assertProblem(api.withKey("hk_forged").get("/api/v1/chats"), 401, "invalid_api_key", null);

		JsonNode created = api.post("/api/v1/api-keys", """
				{"name": "Zapier"}""").json();
		String key = created.get("key").asString();
		Api zapier = api.withKey(key);
		assertThat(zapier.get("/api/v1/chats").status()).isEqualTo(200);

		JsonNode listed = api.get("/api/v1/api-keys").json();
		assertThat(listed.toString()).doesNotContain(key);
		assertThat(listed.at("/data/0/hint").asString()).startsWith(key.substring(0, 7)).endsWith(key.substring(key.length() - 4));

		assertThat(api.delete("/api/v1/api-keys/" + created.at("/apiKey/id").asString()).status()).isEqualTo(200);
		assertProblem(zapier.get("/api/v1/chats"), 401, "invalid_api_key", null);
	}

	@Test
	void unknownRoutesAreProblemsToo() {
		Api.Response response = api.get("/api/v1/nothing-here");
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	private static void assertProblem(Api.Response response, int status, String code, String field) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.contentType()).startsWith("application/problem+json");
		JsonNode problem = response.json();
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("code").asString()).isEqualTo(code);
		assertThat(problem.get("detail").asString()).isNotBlank();
		if (field != null) {
			assertThat(problem.at("/errors/0/field").asString()).isEqualTo(field);
		}
	}
}
