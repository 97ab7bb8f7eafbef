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
 * <p>
 * Phones are stored as people typed them, and each CRM's search matches them the way that CRM documents: HubSpot's
 * calculated searchable numbers (digits only; national without the country code, international with it when the
 * typed number carried one), Salesforce SOSL in phone fields and Zoho's phone search (formatting ignored: the
 * number's digits end with the digits searched for). None of them knows that a number typed without a country code
 * is in the business's country; that is Handoff's part.
 */
class FakeCrm extends Dispatcher {

	enum Kind {
		HUBSPOT, ZOHO, SALESFORCE
	}

	static final JsonMapper JSON = JsonMapper.builder().build();

	final Kind kind;
	final String token;
	/** Record id → [phone as typed, owner id, kind, email, last modified, whatsapp_id]. */
	final Map<String, String[]> records = new ConcurrentHashMap<>();
	/** Every request: method, path, query and body, as sent. */
	final List<String> requests = new CopyOnWriteArrayList<>();
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
		return addRecord(defaultKind(), phone, owner, null, "2026-01-01T00:00:00.000Z", null);
	}

	String addRecord(String kind, String phone, String owner, String email, String modified, String whatsappId) {
		String id = prefix() + ids.incrementAndGet();
		records.put(id, new String[] { phone, owner, kind, email, modified, whatsappId });
		return id;
	}

	/** The records with this phone exactly as typed. */
	long countPhone(String phone) {
		return records.values().stream().filter(r -> phone.equals(r[0])).count();
	}

	private String defaultKind() {
		return switch (kind) {
			case HUBSPOT -> "contact";
			case ZOHO -> "Leads";
			case SALESFORCE -> "Lead";
		};
	}

	/** The digits of a typed number. */
	static String digits(String typed) {
		return typed == null ? "" : typed.replaceAll("\\D", "");
	}

	/** HubSpot's calculated numbers of a typed one: [national, international or null]. */
	static String[] hubspotCalculated(String typed) {
		if (typed == null) {
			return new String[] { null, null };
		}
		String t = typed.strip();
		String d = digits(t);
		boolean international = t.startsWith("+") || t.startsWith("00");
		if (t.startsWith("00")) {
			d = d.substring(2);
		}
		if (!international && d.startsWith("0")) {
			return new String[] { d.substring(1), null };
		}
		if (international || d.length() > 10) {
			String country = d.startsWith("91") ? "91" : d.startsWith("1") ? "1" : d.substring(0, Math.min(2, d.length()));
			return new String[] { d.substring(country.length()), d };
		}
		return new String[] { d, null };
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
		requests.add(request.method() + " " + path + (request.url().query() == null ? "" : "?" + request.url().query())
				+ (request.body() == null || request.body().isBlank() ? "" : " " + request.body()));
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
			if (search.path("filterGroups").size() > 5) {
				return json(400, "{\"status\":\"error\",\"message\":\"Too many filter groups (5 allowed)\",\"category\":\"VALIDATION_ERROR\"}");
			}
			List<String> known = List.of("hs_searchable_calculated_phone_number", "hs_searchable_calculated_mobile_number",
					"hs_searchable_calculated_international_phone_number",
					"hs_searchable_calculated_international_mobile_number", "email", "whatsapp_id", "phone", "mobilephone");
			List<Map.Entry<String, String[]>> matches = new java.util.ArrayList<>();
			for (JsonNode group : search.path("filterGroups")) {
				JsonNode filter = group.path("filters").path(0);
				String property = filter.path("propertyName").asString();
				String value = filter.path("value").asString();
				if (!known.contains(property) || !filter.path("operator").asString().equals("EQ")) {
					return json(400, "{\"status\":\"error\",\"message\":\"bad filter\",\"category\":\"VALIDATION_ERROR\"}");
				}
				records.entrySet().stream().filter(e -> e.getValue()[2].equals("contact")).forEach(e -> {
					String[] r = e.getValue();
					String[] calculated = hubspotCalculated(r[0]);
					boolean hit = switch (property) {
						case "hs_searchable_calculated_phone_number" -> value.equals(calculated[0]);
						case "hs_searchable_calculated_international_phone_number" -> value.equals(calculated[1]);
						case "email" -> value.equalsIgnoreCase(String.valueOf(r[3]));
						case "whatsapp_id" -> value.equals(r[5]);
						case "phone" -> value.equals(r[0]);
						default -> false;
					};
					if (hit && matches.stream().noneMatch(m -> m.getKey().equals(e.getKey()))) {
						matches.add(e);
					}
				});
			}
			matches.sort((a, b) -> b.getValue()[4].compareTo(a.getValue()[4]));
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode results = answer.putArray("results");
			matches.stream().limit(search.path("limit").asInt(10)).forEach(e -> results.add(hubspotContact(e.getKey(), e.getValue())));
			answer.put("total", results.size());
			return json(200, answer.toString());
		}
		Matcher contact = Pattern.compile("/crm/v3/objects/contacts/(\\d+)").matcher(path);
		if (method.equals("GET") && contact.matches()) {
			String[] record = records.get(contact.group(1));
			return record == null ? json(404, "{\"status\":\"error\",\"message\":\"resource not found\",\"category\":\"OBJECT_NOT_FOUND\"}")
					: json(200, hubspotContact(contact.group(1), record).toString());
		}
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
			String id = addRecord("contact", props.path("phone").asString(), props.path("hubspot_owner_id").asString(), null,
					"2026-12-01T00:00:00.000Z", null);
			return json(201, "{\"id\":\"" + id + "\",\"properties\":{}}");
		}
		return json(404, "{\"status\":\"error\",\"message\":\"no route\"}");
	}

	private static ObjectNode hubspotContact(String id, String[] r) {
		ObjectNode contact = JSON.createObjectNode().put("id", id);
		ObjectNode properties = contact.putObject("properties").put("hs_object_id", id).put("phone", r[0])
			.put("hubspot_owner_id", r[1]).put("lastmodifieddate", r[4]);
		if (r[3] != null) {
			properties.put("email", r[3]);
		}
		if (r[5] != null) {
			properties.put("whatsapp_id", r[5]);
		}
		contact.put("archived", false);
		return contact;
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
		Matcher search = Pattern.compile("/crm/v6/(Leads|Contacts)/search").matcher(path);
		if (method.equals("GET") && search.matches()) {
			String module = search.group(1);
			String phone = request.url().queryParameter("phone");
			String email = request.url().queryParameter("email");
			String criteria = request.url().queryParameter("criteria");
			if ((phone == null ? 0 : 1) + (email == null ? 0 : 1) + (criteria == null ? 0 : 1) != 1) {
				return json(400, "{\"code\":\"REQUIRED_PARAM_MISSING\",\"status\":\"error\"}");
			}
			String[] condition = null;
			if (criteria != null) {
				Matcher c = Pattern.compile("\\((\\w+):equals:((?:\\\\.|[^\\\\()])*)\\)").matcher(criteria);
				if (!c.matches()) {
					return json(400, "{\"code\":\"INVALID_QUERY\",\"message\":\"invalid query formed\",\"status\":\"error\"}");
				}
				condition = new String[] { c.group(1), c.group(2).replaceAll("\\\\(.)", "$1") };
			}
			String[] where = condition;
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode data = answer.putArray("data");
			records.forEach((id, r) -> {
				boolean hit = phone != null ? !digits(phone).isEmpty() && digits(r[0]).endsWith(digits(phone))
						: email != null ? email.equalsIgnoreCase(String.valueOf(r[3]))
								: where[0].equals("whatsapp_id") && where[1].equals(r[5]);
				if (r[2].equals(module) && hit) {
					data.add(zohoRecord(id, r));
				}
			});
			if (data.isEmpty()) {
				return new Reply(204, null, null, false);
			}
			answer.putObject("info").put("count", data.size()).put("more_records", false);
			return json(200, answer.toString());
		}
		Matcher record = Pattern.compile("/crm/v6/(Leads|Contacts)/(\\d+)").matcher(path);
		if (method.equals("GET") && record.matches()) {
			String[] r = records.get(record.group(2));
			if (r == null || !r[2].equals(record.group(1))) {
				return new Reply(204, null, null, false);
			}
			ObjectNode answer = JSON.createObjectNode();
			answer.putArray("data").add(zohoRecord(record.group(2), r));
			return json(200, answer.toString());
		}
		if (method.equals("PUT") && record.matches()) {
			String[] r = records.get(record.group(2));
			if (r == null) {
				return json(200, "{\"data\":[{\"code\":\"INVALID_DATA\",\"details\":{},\"message\":\"the id given seems to be invalid\",\"status\":\"error\"}]}");
			}
			r[1] = JSON.readTree(body).path("data").path(0).path("Owner").path("id").asString();
			return json(200, "{\"data\":[{\"code\":\"SUCCESS\",\"details\":{\"id\":\"" + record.group(2)
					+ "\"},\"message\":\"record updated\",\"status\":\"success\"}]}");
		}
		if (method.equals("POST") && path.equals("/crm/v6/Leads")) {
			JsonNode created = JSON.readTree(body).path("data").path(0);
			String id = addRecord("Leads", created.path("Phone").asString(), created.path("Owner").path("id").asString(), null,
					"2026-12-01T05:30:00+05:30", null);
			return json(201, "{\"data\":[{\"code\":\"SUCCESS\",\"details\":{\"id\":\"" + id
					+ "\"},\"message\":\"record added\",\"status\":\"success\"}]}");
		}
		return json(404, "{\"code\":\"INVALID_URL_PATTERN\",\"status\":\"error\"}");
	}

	private static ObjectNode zohoRecord(String id, String[] r) {
		ObjectNode record = JSON.createObjectNode().put("id", id).put("Phone", r[0]).put("Modified_Time", r[4]);
		record.putObject("Owner").put("id", r[1]).put("name", "Owner " + r[1]);
		if (r[3] != null) {
			record.put("Email", r[3]);
		}
		if (r[5] != null) {
			record.put("whatsapp_id", r[5]);
		}
		return record;
	}

	private Reply salesforce(String method, String path, Call request, String body) {
		String base = "/services/data/v60.0";
		if (method.equals("GET") && path.equals(base + "/query")) {
			String soql = request.url().queryParameter("q");
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode list = answer.putArray("records");
			Matcher email = Pattern.compile("FROM User WHERE Email = '([^']*)'").matcher(soql);
			Matcher property = Pattern.compile("FROM (Lead|Contact) WHERE whatsapp_id__c = '([^']*)'").matcher(soql);
			if (email.find()) {
				Optional.ofNullable(users.get(email.group(1))).ifPresent(id -> list.addObject()
					.put("Id", id)
					.putObject("attributes").put("type", "User").put("url", base + "/sobjects/User/" + id));
			}
			else if (property.find()) {
				records.forEach((id, r) -> {
					if (r[2].equals(property.group(1)) && property.group(2).equals(r[5])) {
						list.add(salesforceRecord(base, id, r));
					}
				});
			}
			else {
				return json(400, "[{\"message\":\"unexpected query\",\"errorCode\":\"MALFORMED_QUERY\"}]");
			}
			answer.put("totalSize", list.size()).put("done", true);
			return json(200, answer.toString());
		}
		if (method.equals("GET") && path.equals(base + "/search")) {
			String sosl = request.url().queryParameter("q");
			Matcher find = Pattern.compile("FIND \\{((?:\\\\.|[^\\\\{}])+)\\} IN (PHONE|EMAIL) FIELDS RETURNING "
					+ "Lead\\(Id, OwnerId, Phone, MobilePhone, Email, LastModifiedDate WHERE IsConverted = false ORDER BY "
					+ "LastModifiedDate DESC LIMIT 10\\), Contact\\(Id, OwnerId, Phone, MobilePhone, Email, LastModifiedDate "
					+ "ORDER BY LastModifiedDate DESC LIMIT 10\\)").matcher(sosl);
			if (!find.matches()) {
				return json(400, "[{\"message\":\"unexpected search\",\"errorCode\":\"MALFORMED_SEARCH\"}]");
			}
			String term = find.group(1).replaceAll("\\\\(.)", "$1");
			ObjectNode answer = JSON.createObjectNode();
			ArrayNode list = answer.putArray("searchRecords");
			records.forEach((id, r) -> {
				boolean hit = find.group(2).equals("PHONE") ? digits(r[0]).endsWith(digits(term)) && !digits(term).isEmpty()
						: term.equalsIgnoreCase(String.valueOf(r[3]));
				if (hit) {
					list.add(salesforceRecord(base, id, r));
				}
			});
			return json(200, answer.toString());
		}
		Matcher record = Pattern.compile(base + "/sobjects/(Lead|Contact)/(\\w+)").matcher(path);
		if (method.equals("GET") && record.matches()) {
			String[] r = records.get(record.group(2));
			return r == null || !r[2].equals(record.group(1))
					? json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]")
					: json(200, salesforceRecord(base, record.group(2), r).toString());
		}
		if (method.equals("PATCH") && record.matches()) {
			String[] r = records.get(record.group(2));
			if (r == null || !r[2].equals(record.group(1))) {
				return json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
			}
			r[1] = JSON.readTree(body).path("OwnerId").asString();
			return new Reply(204, null, null, false);
		}
		if (method.equals("POST") && path.equals(base + "/sobjects/Lead")) {
			JsonNode fields = JSON.readTree(body);
			if (fields.path("LastName").asString("").isBlank() || fields.path("Company").asString("").isBlank()) {
				return json(400, "[{\"message\":\"Required fields are missing: [LastName, Company]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\"}]");
			}
			String id = addRecord("Lead", fields.path("Phone").asString(), fields.path("OwnerId").asString(), null,
					"2026-12-01T00:00:00.000+0000", null);
			return json(201, "{\"id\":\"" + id + "\",\"success\":true,\"errors\":[]}");
		}
		return json(404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
	}

	private static ObjectNode salesforceRecord(String base, String id, String[] r) {
		ObjectNode record = JSON.createObjectNode();
		record.putObject("attributes").put("type", r[2]).put("url", base + "/sobjects/" + r[2] + "/" + id);
		record.put("Id", id).put("OwnerId", r[1]).put("Phone", r[0]).put("LastModifiedDate", r[4]);
		if (r[3] != null) {
			record.put("Email", r[3]);
		}
		if (r[5] != null) {
			record.put("whatsapp_id__c", r[5]);
		}
		return record;
	}

	private static Reply json(int code, String body) {
		return new Reply(code, null, body, false);
	}
}
