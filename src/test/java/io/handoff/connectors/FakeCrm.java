package io.handoff.connectors;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.function.Function;
import java.util.regex.Pattern;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.support.SocketReceiver;

/**
 * A local stand-in for HubSpot, Zoho CRM and Salesforce that speaks their request and response shapes (paths,
 * auth headers, bodies, status codes) over a small store of records and users, and fails on demand.
 */
class FakeCrm extends Dispatcher {

	enum Kind {
		HUBSPOT, ZOHO, SALESFORCE
	}

	static final JsonMapper JSON = JsonMapper.builder().build();

	final Kind kind;
	final String token;
	/** Record id → [phone, owner id]. */
	final Map<String, String[]> records = new ConcurrentHashMap<>();
	/** Email → user (owner) id. */
	final Map<String, String> users = new ConcurrentHashMap<>();
	final List<String> calls = new CopyOnWriteArrayList<>();
	final AtomicInteger ids = new AtomicInteger(1000);
	volatile double failureRate;
	private java.util.Random chaos;
	final AtomicInteger rateLimitNext = new AtomicInteger();

	FakeCrm(Kind kind, String token) {
		this.kind = kind;
		this.token = token;
	}

	String addRecord(String phone, String owner) {
		String id = prefix() + ids.incrementAndGet();
		records.put(id, new String[] { phone, owner });
		return id;
	}

	Optional<String> ownerOfPhone(String phone) {
		return records.values().stream().filter(r -> r[0].equals(phone)).map(r -> r[1]).findFirst();
	}

	private String prefix() {
		return switch (kind) {
			case HUBSPOT -> "";
			case ZOHO -> "5725767000000";
			case SALESFORCE -> "00Q5g00000";
		};
	}

	/** A request as the fake reads it, from MockWebServer or from a {@link SocketReceiver}. */
	record Call(String method, HttpUrl url, Function<String, String> headers, String body) {

		String header(String name) {
			return headers.apply(name);
		}
	}

	/** An answer: {@code reset} drops the connection instead of answering. */
	record Reply(int code, String retryAfter, String body, boolean reset) {
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		Reply reply = serve(new Call(request.getMethod(), request.getUrl(), request.getHeaders()::get,
				request.getBody() == null ? "" : request.getBody().utf8()));
		if (reply.reset()) {
			return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
		}
		MockResponse.Builder response = new MockResponse.Builder().code(reply.code());
		if (reply.retryAfter() != null) {
			response.addHeader("Retry-After", reply.retryAfter());
		}
		if (reply.body() != null) {
			response.addHeader("Content-Type", "application/json;charset=UTF-8").body(reply.body());
		}
		return response.build();
	}

	/** The same fake behind a socket-level receiver (connections closed as real servers close them). */
	SocketReceiver.Reply serve(SocketReceiver.Received request) {
		Reply reply = serve(new Call(request.method(), HttpUrl.get("http://crm.test" + request.path()), request::header,
				request.body()));
		return new SocketReceiver.Reply(reply.code(), "application/json;charset=UTF-8",
				reply.body() == null ? "" : reply.body());
	}

	/** Fails the next calls at this rate, each in one of the ways CRMs fail: 429 with Retry-After, 502, a reset. */
	void chaos(double rate, long seed) {
		this.chaos = new java.util.Random(seed);
		this.failureRate = rate;
	}

	Reply serve(Call request) {
		String path = request.url().encodedPath();
		calls.add(request.method() + " " + path);
		String expected = switch (kind) {
			case ZOHO -> "Zoho-oauthtoken " + token;
			default -> "Bearer " + token;
		};
		if (!expected.equals(request.header("Authorization"))) {
			return json(401, kind == Kind.ZOHO ? "{\"code\":\"INVALID_TOKEN\",\"details\":{},\"message\":\"invalid oauth token\",\"status\":\"error\"}"
					: "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}");
		}
		if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			return rateLimited();
		}
		if (failureRate > 0) {
			double roll;
			synchronized (this) {
				roll = chaos == null ? ThreadLocalRandom.current().nextDouble() : chaos.nextDouble();
			}
			if (roll < failureRate) {
				if (chaos == null) {
					return json(503, "{\"message\":\"Service Unavailable\"}");
				}
				double kind = roll / failureRate;
				return kind < 1.0 / 3 ? rateLimited() : kind < 2.0 / 3 ? json(502, "{\"message\":\"Bad Gateway\"}")
						: new Reply(0, null, null, true);
			}
		}
		String body = request.body();
		return switch (kind) {
			case HUBSPOT -> hubspot(request.method(), path, request, body);
			case ZOHO -> zoho(request.method(), path, request, body);
			case SALESFORCE -> salesforce(request.method(), path, request, body);
		};
	}

	private static Reply rateLimited() {
		return new Reply(429, "1",
				"{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\",\"category\":\"RATE_LIMITS\"}",
				false);
	}

	private Reply hubspot(String method, String path, Call request, String body) {
		if (method.equals("GET") && path.equals("/crm/v3/owners/")) {
			String email = request.url().queryParameter("email");
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode results = answer.putArray("results");
			if (users.containsKey(email)) {
				results.addObject().put("id", users.get(email)).put("email", email).put("type", "PERSON")
					.put("archived", false);
			}
			return json(200, answer.toString());
		}
		if (method.equals("POST") && path.equals("/crm/v3/objects/contacts/search")) {
			JsonNode search = JSON.readTree(body);
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode results = answer.putArray("results");
			for (JsonNode group : search.path("filterGroups")) {
				JsonNode filter = group.path("filters").path(0);
				if (!List.of("phone", "mobilephone").contains(filter.path("propertyName").asString())
						|| !filter.path("operator").asString().equals("EQ")) {
					return json(400, "{\"status\":\"error\",\"message\":\"bad filter\",\"category\":\"VALIDATION_ERROR\"}");
				}
				records.forEach((id, r) -> {
					if (r[0].equals(filter.path("value").asString()) && results.isEmpty()) {
						ObjectNode contact = results.addObject().put("id", id);
						contact.putObject("properties").put("hs_object_id", id).put("phone", r[0])
							.put("hubspot_owner_id", r[1]);
						contact.put("archived", false);
					}
				});
			}
			answer.put("total", results.size());
			return json(200, answer.toString());
		}
		Matcher contact = Pattern.compile("/crm/v3/objects/contacts/(\\d+)").matcher(path);
		if (method.equals("PATCH") && contact.matches()) {
			String[] record = records.get(contact.group(1));
			if (record == null) {
				return json(404, "{\"status\":\"error\",\"message\":\"resource not found\",\"category\":\"OBJECT_NOT_FOUND\"}");
			}
			record[1] = JSON.readTree(body).path("properties").path("hubspot_owner_id").asString();
			return json(200, "{\"id\":\"" + contact.group(1) + "\",\"properties\":{\"hubspot_owner_id\":\"" + record[1] + "\"}}");
		}
		if (method.equals("POST") && path.equals("/crm/v3/objects/contacts")) {
			JsonNode props = JSON.readTree(body).path("properties");
			String id = addRecord(props.path("phone").asString(), props.path("hubspot_owner_id").asString());
			return json(201, "{\"id\":\"" + id + "\",\"properties\":{}}");
		}
		return json(404, "{\"status\":\"error\",\"message\":\"no route\"}");
	}

	private Reply zoho(String method, String path, Call request, String body) {
		if (method.equals("GET") && path.equals("/crm/v6/users")) {
			if (!"ActiveUsers".equals(request.url().queryParameter("type"))) {
				return json(400, "{\"code\":\"INVALID_DATA\"}");
			}
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode list = answer.putArray("users");
			users.forEach((email, id) -> list.addObject().put("id", id).put("email", email).put("status", "active"));
			answer.putObject("info").put("per_page", 200).put("count", list.size()).put("page", 1).put("more_records", false);
			return json(200, answer.toString());
		}
		if (method.equals("GET") && path.equals("/crm/v6/Leads/search")) {
			String phone = request.url().queryParameter("phone");
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode data = answer.putArray("data");
			records.forEach((id, r) -> {
				if (r[0].equals(phone) && data.isEmpty()) {
					ObjectNode lead = data.addObject().put("id", id).put("Phone", r[0]);
					lead.putObject("Owner").put("id", r[1]).put("name", "Owner " + r[1]);
				}
			});
			if (data.isEmpty()) {
				return new Reply(204, null, null, false);
			}
			answer.putObject("info").put("count", data.size()).put("more_records", false);
			return json(200, answer.toString());
		}
		Matcher lead = Pattern.compile("/crm/v6/Leads/(\\d+)").matcher(path);
		if (method.equals("PUT") && lead.matches()) {
			String[] record = records.get(lead.group(1));
			if (record == null) {
				return json(200, "{\"data\":[{\"code\":\"INVALID_DATA\",\"details\":{},\"message\":\"the id given seems to be invalid\",\"status\":\"error\"}]}");
			}
			record[1] = JSON.readTree(body).path("data").path(0).path("Owner").path("id").asString();
			return json(200, "{\"data\":[{\"code\":\"SUCCESS\",\"details\":{\"id\":\"" + lead.group(1)
					+ "\"},\"message\":\"record updated\",\"status\":\"success\"}]}");
		}
		if (method.equals("POST") && path.equals("/crm/v6/Leads")) {
			JsonNode record = JSON.readTree(body).path("data").path(0);
			String id = addRecord(record.path("Phone").asString(), record.path("Owner").path("id").asString());
			return json(201, "{\"data\":[{\"code\":\"SUCCESS\",\"details\":{\"id\":\"" + id
					+ "\"},\"message\":\"record added\",\"status\":\"success\"}]}");
		}
		return json(404, "{\"code\":\"INVALID_URL_PATTERN\",\"status\":\"error\"}");
	}

	private Reply salesforce(String method, String path, Call request, String body) {
		String base = "/services/data/v60.0";
		if (method.equals("GET") && path.equals(base + "/query")) {
			String soql = request.url().queryParameter("q");
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode list = answer.putArray("records");
			Matcher email = Pattern.compile("FROM User WHERE Email = '([^']*)'").matcher(soql);
			Matcher phone = Pattern.compile("FROM Lead WHERE \\(Phone = '([^']*)' OR MobilePhone = '([^']*)'\\)").matcher(soql);
			if (email.find()) {
				Optional.ofNullable(users.get(email.group(1))).ifPresent(id -> list.addObject()
					.put("Id", id)
					.putObject("attributes").put("type", "User").put("url", base + "/sobjects/User/" + id));
			}
			else if (phone.find()) {
				records.forEach((id, r) -> {
					if (r[0].equals(phone.group(1)) && list.isEmpty()) {
						ObjectNode lead = list.addObject();
						lead.putObject("attributes").put("type", "Lead").put("url", base + "/sobjects/Lead/" + id);
						lead.put("Id", id).put("OwnerId", r[1]);
					}
				});
			}
			else {
				return json(400, "[{\"message\":\"unexpected query\",\"errorCode\":\"MALFORMED_QUERY\"}]");
			}
			answer.put("totalSize", list.size()).put("done", true);
			return json(200, answer.toString());
		}
		Matcher lead = Pattern.compile(base + "/sobjects/Lead/(\\w+)").matcher(path);
		if (method.equals("PATCH") && lead.matches()) {
			String[] record = records.get(lead.group(1));
			if (record == null) {
				return json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
			}
			record[1] = JSON.readTree(body).path("OwnerId").asString();
			return new Reply(204, null, null, false);
		}
		if (method.equals("POST") && path.equals(base + "/sobjects/Lead")) {
			JsonNode fields = JSON.readTree(body);
			if (fields.path("LastName").asString("").isBlank() || fields.path("Company").asString("").isBlank()) {
				return json(400, "[{\"message\":\"Required fields are missing: [LastName, Company]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\"}]");
			}
			String id = addRecord(fields.path("Phone").asString(), fields.path("OwnerId").asString());
			return json(201, "{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}");
		}
		return json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
	}

	private static Reply json(int code, String body) {
		return new Reply(code, null, body, false);
	}
}
