package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.support.Api;
import io.handoff.support.ApiContract;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * Malformed input for every operation of the OpenAPI document, generated from it: bad path values, bad values for
 * each query parameter, and for each field of each request body a value of every wrong kind, plus bodies that are not
 * JSON or not an object. Sent over a raw socket, so nothing is cleaned up on the way. Nothing may answer 5xx, and every
 * 4xx is {@code application/problem+json}.
 */
@IntegrationTest
class ApiFuzzIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Path and query values, already as they go on the wire. */
	private static final List<String> BAD_WIRE_VALUES = List.of("%", "%zz", "%00", "%0d%0a", "%C0%AF", "-1",
			"99999999999999999999999", "0", "%F0%9F%98%80", "x".repeat(3000), "chat_%27%3B--", "..%2F..%2F", "%20");

	/** JSON values of every kind, and strings that are hard to store or to print. */
	private static final List<String> BAD_JSON_VALUES = List.of("null", "true", "-1", "1e400", "12345678901234567890",
			"\"\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\r\\nX-Injected: 1\"", "\"\\ud800\"", "\"" + "x".repeat(20_000) + "\"",
			"[]", "[null]", "{}", "{\"a\": {\"b\": {\"c\": []}}}", "\"%\"", "\"2026-13-45T99:99:99Z\"");

	private static final List<String> BAD_BODIES = List.of("", "{", "[]", "\"text\"", "null", "{\"a\":", "\u0000",
			"{\"name\": \"\\u0000\"}", "[".repeat(2000));

	@Autowired
	Fixtures fixtures;

	@Test
	void malformedInputNeverAnswers5xxAndEveryRefusalIsProblemJson() {
		Fixtures.Workspace ws = fixtures.workspace();
		Api api = ws.api();
		Map<String, String> ids = realIds(ws, api);
		ApiContract contract = ApiContract.of(api.base());
		List<String> failures = new ArrayList<>();
		int sent = 0;
		for (ApiContract.Operation operation : contract.operations()) {
			String method = operation.method();
			boolean destructive = method.equals("DELETE");
			// Bad path values, one parameter at a time.
			for (String parameter : pathParameters(operation.template())) {
				for (String bad : BAD_WIRE_VALUES) {
					failures.addAll(check(api, method, fill(operation.template(), ids, parameter, bad), null));
					sent++;
				}
			}
			if (destructive) {
				continue;
			}
			String path = fill(operation.template(), ids, null, null);
			for (JsonNode parameter : operation.node().path("parameters")) {
				if (!parameter.path("in").asString().equals("query")) {
					continue;
				}
				for (String bad : BAD_WIRE_VALUES) {
					failures.addAll(check(api, method, path + "?" + parameter.get("name").asString() + "=" + bad, null));
					sent++;
				}
			}
			JsonNode schema = operation.node().at("/requestBody/content/application~1json/schema");
			if (schema.isMissingNode()) {
				continue;
			}
			for (String body : BAD_BODIES) {
				failures.addAll(check(api, method, path, body));
				sent++;
			}
			for (String field : fields(contract, schema)) {
				for (String bad : BAD_JSON_VALUES) {
					String body = schema.path("type").asString().equals("array") ? "[{\"" + field + "\": " + bad + "}]"
							: "{\"" + field + "\": " + bad + "}";
					failures.addAll(check(api, method, path, body));
					sent++;
				}
			}
		}
		assertThat(sent).as("requests sent").isGreaterThan(2000);
		assertThat(failures).isEmpty();
	}

	/** One id of each kind, real, so that malformed bodies and queries reach past the lookup of the path. */
	private static Map<String, String> realIds(Fixtures.Workspace ws, Api api) {
		Map<String, String> ids = new LinkedHashMap<>();
		ids.put("chats", ws.chat().id().value());
		ids.put("customers", ws.rohan().id().value());
		ids.put("members", ws.john().id().value());
		ids.put("business-numbers", ws.sales().id().value());
		ids.put("workspaceId", ws.id().value());
		ids.put("webhooks", api.post("/api/v1/webhooks", """
				{"name": "Fuzz", "url": "http://127.0.0.1:9/x", "eventTypes": ["chat.assigned"]}""")
			.json()
			.at("/endpoint/id")
			.asString());
		ids.put("connections", api.post("/api/v1/connections", """
				{"type": "hubspot", "name": "HubSpot", "secrets": {"token": "pat-na1-x"}}""").json().get("id").asString());
		JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Fuzz\", \"status\": \"active\"}").json();
		ids.put("bots", bot.get("id").asString());
		String hookUrl = bot.at("/trigger/hookUrl").asString();
		ids.put("hooks", hookUrl.substring(hookUrl.lastIndexOf('/') + 1));
		api.post("/api/v1/chats/" + ws.chat().id() + "/assignment", "{\"memberId\": \"" + ws.john().id() + "\"}");
		ids.put("events", api.get("/api/v1/events").json().at("/data/0/id").asString());
		ids.put("api-keys", api.post("/api/v1/api-keys", "{\"name\": \"fuzz\"}").json().at("/apiKey/id").asString());
		ids.put("deliveries", "dlv_01M8QX2RQSSB3RCV3XWGF1ZBP2");
		ids.put("runs", "run_01M8QX2RQSSB3RCV3XWGF1ZBP2");
		return ids;
	}

	private static List<String> pathParameters(String template) {
		List<String> names = new ArrayList<>();
		Matcher matcher = Pattern.compile("\\{([^}]+)}").matcher(template);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	/** The template with real ids, except {@code bad} in place of {@code parameter}. */
	private static String fill(String template, Map<String, String> ids, String parameter, String bad) {
		Matcher matcher = Pattern.compile("(?:/([a-z-]+))?/\\{([^}]+)}").matcher(template);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			String collection = matcher.group(1);
			String name = matcher.group(2);
			String value = name.equals(parameter) ? bad
					: ids.getOrDefault(name.equals("runId") ? "runs" : name.equals("id") ? collection : name, "x");
			matcher.appendReplacement(out, Matcher.quoteReplacement((collection == null ? "" : "/" + collection) + "/" + value));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	/** Property names of a request schema (of its items, for arrays). */
	private static List<String> fields(ApiContract contract, JsonNode schema) {
		JsonNode object = schema.path("type").asString().equals("array") ? schema.path("items") : schema;
		String ref = object.path("$ref").asString();
		if (!ref.isEmpty()) {
			object = contract.document().at(ref.substring(1));
		}
		List<String> names = new ArrayList<>(object.path("properties").propertyNames());
		names.add("unknownField");
		return names;
	}

	private static List<String> check(Api api, String method, String target, String body) {
		Answer answer = send(api, method, target, body);
		String request = method + " " + abbreviate(target) + (body == null ? "" : " " + abbreviate(body));
		List<String> failures = new ArrayList<>();
		if (answer.status() >= 500) {
			failures.add(request + " → " + answer.status() + " " + abbreviate(answer.body()));
		}
		else if (answer.status() >= 400 && !answer.contentType().startsWith("application/problem+json")) {
			failures.add(request + " → " + answer.status() + " as '" + answer.contentType() + "'");
		}
		else if (answer.status() >= 400 && !answer.body().isEmpty()) {
			ObjectNode problem = (ObjectNode) JSON.readTree(answer.body());
			if (!problem.has("detail") || problem.get("detail").asString().isBlank()) {
				failures.add(request + " → " + answer.status() + " without a detail");
			}
		}
		return failures;
	}

	private static String abbreviate(String text) {
		return text.length() > 120 ? text.substring(0, 120) + "…(" + text.length() + ")" : text;
	}

	record Answer(int status, String contentType, String body) {
	}

	/** HTTP/1.1 over a socket: the target and body go on the wire exactly as given. */
	private static Answer send(Api api, String method, String target, String body) {
		URI base = URI.create(api.base());
		byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
		StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
			.append("Host: localhost\r\nConnection: close\r\nAuthorization: Bearer ").append(api.key()).append("\r\n");
		if (body != null) {
			head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
		}
		head.append("\r\n");
		try (Socket socket = new Socket(base.getHost(), base.getPort())) {
			socket.setSoTimeout(30_000);
			socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
			socket.getOutputStream().write(content);
			socket.getOutputStream().flush();
			return parse(socket.getInputStream());
		}
		catch (IOException e) {
			throw new UncheckedIOException(method + " " + abbreviate(target), e);
		}
	}

	private static Answer parse(InputStream in) throws IOException {
		byte[] raw = in.readAllBytes();
		int end = 0;
		while (end + 3 < raw.length && !(raw[end] == '\r' && raw[end + 1] == '\n' && raw[end + 2] == '\r' && raw[end + 3] == '\n')) {
			end++;
		}
		String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		String contentType = "";
		boolean chunked = false;
		for (String line : lines) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-type:")) {
				contentType = line.substring(13).trim();
			}
			if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		byte[] body = java.util.Arrays.copyOfRange(raw, Math.min(end + 4, raw.length), raw.length);
		return new Answer(status, contentType, new String(chunked ? unchunk(body) : body, StandardCharsets.UTF_8));
	}

	private static byte[] unchunk(byte[] chunked) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int at = 0;
		while (at < chunked.length) {
			int lineEnd = at;
			while (chunked[lineEnd] != '\r') {
				lineEnd++;
			}
			int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).trim(), 16);
			if (size == 0) {
				break;
			}
			out.write(chunked, lineEnd + 2, size);
			at = lineEnd + 2 + size + 2;
		}
		return out.toByteArray();
	}
}
