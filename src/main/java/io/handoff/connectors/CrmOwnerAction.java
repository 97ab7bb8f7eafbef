package io.handoff.connectors;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.HandoffException;
import io.handoff.platform.PhoneMatch;
import io.handoff.platform.PhoneNumbers;
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;
import io.handoff.studio.StepAction;

/**
 * CRM: set lead/contact owner. Finds the customer's record however the CRM stores the number: each CRM is searched the
 * way it matches phones regardless of formatting (HubSpot's calculated searchable numbers, Salesforce SOSL in phone
 * fields on Leads and Contacts, Zoho's phone search on Leads and Contacts), also by the customer's email and a named
 * field when given, and every candidate is confirmed by comparing numbers with libphonenumber ({@link PhoneMatch}).
 * The record found or created is remembered per customer and connection and used first next time, so {@code ifMissing:
 * create} never creates a customer twice. Resolves the agent to a CRM user by email (an explicit {@code ownerMap}
 * wins) and sets the owner.
 * <p>
 * Stale updates never win: per chat, the newest assignment {@code sequence} applied is kept, and the step holds that
 * row locked while it talks to the CRM. An older event that arrives later (a retry, a slower run) is skipped and
 * logged, so after any storm of reassignments the CRM owner is the chat's current agent.
 */
@Component
class CrmOwnerAction implements StepAction {

	private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

	private final OutboundHttp http;
	private final ConnectionService connections;
	private final ChatService chats;
	private final TeamService team;
	private final ConnectorProperties properties;
	private final TransactionTemplate transactions;
	private final JdbcClient jdbc;
	private final JsonMapper json;
	private final Clock clock;

	CrmOwnerAction(OutboundHttp http, ConnectionService connections, ChatService chats, TeamService team,
			ConnectorProperties properties, TransactionTemplate transactions, JdbcClient jdbc, JsonMapper json,
			Clock clock) {
		this.chats = chats;
		this.team = team;
		this.http = http;
		this.connections = connections;
		this.properties = properties;
		this.transactions = transactions;
		this.jdbc = jdbc;
		this.json = json;
		this.clock = clock;
	}

	@Override
	public String type() {
		return "crm_set_owner";
	}

	@Override
	public ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field) {
		ObjectNode valid = json.createObjectNode();
		String connectionId = Steps.required(config, "connectionId", field);
		ConnectionService.Resolved connection = connections.resolve(workspace, connectionId, null, field + ".connectionId");
		if (connection.type() != Connection.Type.HUBSPOT && connection.type() != Connection.Type.ZOHO
				&& connection.type() != Connection.Type.SALESFORCE) {
			throw new HandoffException.InvalidInput(field + ".connectionId",
					"must be a hubspot, zoho or salesforce connection");
		}
		valid.put("connectionId", connectionId);
		valid.put("customerPhoneVariable", or(Steps.text(config, "customerPhoneVariable"), "customerNumber"));
		valid.put("customerNameVariable", or(Steps.text(config, "customerNameVariable"), "customerName"));
		valid.put("agentEmailVariable", or(Steps.text(config, "agentEmailVariable"), "agentEmail"));
		valid.put("chatIdVariable", or(Steps.text(config, "chatIdVariable"), "chatId"));
		valid.put("sequenceVariable", or(Steps.text(config, "sequenceVariable"), "sequence"));
		valid.put("businessNumberVariable", or(Steps.text(config, "businessNumberVariable"), "businessNumber"));
		valid.put("customerEmailVariable", or(Steps.text(config, "customerEmailVariable"), "customerEmail"));
		String property = Steps.text(config, "matchProperty");
		if (property != null && !property.isBlank()) {
			if (!property.strip().matches("[A-Za-z][A-Za-z0-9_]{0,79}")) {
				throw new HandoffException.InvalidInput(field + ".matchProperty",
						"must be the CRM field's API name: letters, digits and underscores, starting with a letter");
			}
			valid.put("matchProperty", property.strip());
			String valueVariable = Steps.text(config, "matchValueVariable");
			if (valueVariable != null && !valueVariable.isBlank()) {
				valid.put("matchValueVariable", valueVariable.strip());
			}
		}
		String ifMissing = or(Steps.text(config, "ifMissing"), "skip").toLowerCase(Locale.ROOT);
		if (!ifMissing.equals("skip") && !ifMissing.equals("create")) {
			throw new HandoffException.InvalidInput(field + ".ifMissing", "must be skip or create");
		}
		valid.put("ifMissing", ifMissing);
		JsonNode map = config.get("ownerMap");
		ObjectNode owners = valid.putObject("ownerMap");
		if (map != null && !map.isNull()) {
			if (!map.isObject()) {
				throw new HandoffException.InvalidInput(field + ".ownerMap", "must map agent emails to CRM owner ids");
			}
			for (Map.Entry<String, JsonNode> entry : map.properties()) {
				if (!entry.getValue().isString() && !entry.getValue().isNumber()) {
					throw new HandoffException.InvalidInput(field + ".ownerMap." + entry.getKey(), "must be an owner id");
				}
				owners.put(entry.getKey().strip().toLowerCase(Locale.ROOT), entry.getValue().asString());
			}
		}
		return valid;
	}

	@Override
	public Outcome run(Context context) throws InterruptedException {
		ObjectNode config = context.config();
		ObjectNode output = json.createObjectNode();
		String typed = context.variable(config.path("customerPhoneVariable").asString());
		if (typed == null) {
			return Outcome.failed("No customer number in variable " + config.path("customerPhoneVariable").asString());
		}
		PhoneMatch phone;
		try {
			phone = PhoneMatch.of(PhoneNumbers.toE164("customerNumber", typed), variable(context, "businessNumberVariable"));
		}
		catch (HandoffException.InvalidInput | IllegalArgumentException e) {
			return Outcome.failed("The customer number in variable " + config.path("customerPhoneVariable").asString()
					+ " is not a phone number with its country code");
		}
		String email = context.variable(config.path("agentEmailVariable").asString());
		String chat = context.variable(config.path("chatIdVariable").asString());
		String sequenceText = context.variable(config.path("sequenceVariable").asString());
		Long sequence = sequenceText == null ? null : parseLong(sequenceText);
		if (email == null && (chat == null || sequence == null)) {
			return noAgent(output, "the variable " + config.path("agentEmailVariable").asString() + " is empty");
		}
		ConnectionService.Resolved connection = connections.resolve(context.workspace(),
				config.path("connectionId").asString(), null, "connectionId");
		Crm crm = crmFor(connection, output);
		output.put("provider", connection.type().name().toLowerCase(Locale.ROOT));
		if (chat == null || sequence == null) {
			Outcome[] result = new Outcome[1];
			InterruptedException[] interrupted = new InterruptedException[1];
			transactions.executeWithoutResult(status -> {
				try {
					result[0] = apply(crm, context, phone, email, null, output);
				}
				catch (InterruptedException e) {
					interrupted[0] = e;
					status.setRollbackOnly();
				}
			});
			if (interrupted[0] != null) {
				throw interrupted[0];
			}
			return result[0];
		}
		Outcome[] result = new Outcome[1];
		InterruptedException[] interrupted = new InterruptedException[1];
		transactions.executeWithoutResult(status -> {
			jdbc.sql("SET LOCAL lock_timeout = '60s'").update();
			jdbc.sql("""
					INSERT INTO crm_owner_sync (bot_id, step_id, chat_id, last_sequence, updated_at)
					VALUES (:bot, :step, :chat, -1, :now) ON CONFLICT DO NOTHING""")
				.param("bot", context.botId().value())
				.param("step", context.stepId())
				.param("chat", chat)
				.param("now", SqlValues.timestamp(Timestamps.now(clock)))
				.update();
			String[] synced = jdbc.sql("""
					SELECT last_sequence, owner_id FROM crm_owner_sync WHERE bot_id = :bot AND step_id = :step AND chat_id = :chat
					FOR UPDATE""")
				.param("bot", context.botId().value())
				.param("step", context.stepId())
				.param("chat", chat)
				.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) })
				.single();
			long applied = Long.parseLong(synced[0]);
			output.put("sequence", sequence);
			output.put("lastAppliedSequence", applied);
			// A run that comes late (it waited out a CRM outage, or its event was retried) applies the chat's owner as it
			// is now, not as it was: the CRM converges on the current agent at the first success.
			long target = sequence;
			String agent = email;
			Assignment now = currentAssignment(context, chat);
			if (now != null && now.sequence() > sequence) {
				target = now.sequence();
				agent = now.email();
				output.put("appliedSequence", target);
				output.put("note", "Assignment " + target + " is the chat's current one; it is applied instead of "
						+ sequence);
			}
			if (target <= applied) {
				output.put("action", "skipped_stale");
				result[0] = Outcome.succeeded("Skipped: this is assignment " + target + " of chat " + chat
						+ ", and assignment " + applied + " was already applied to the CRM", output);
				return;
			}
			if (agent == null) {
				result[0] = noAgent(output, "the chat is unassigned");
				markApplied(context, chat, target, output);
				return;
			}
			try {
				result[0] = apply(crm, context, phone, agent, synced[1], output);
			}
			catch (InterruptedException e) {
				interrupted[0] = e;
				status.setRollbackOnly();
				return;
			}
			if (result[0].succeeded()) {
				markApplied(context, chat, target, output);
			}
		});
		if (interrupted[0] != null) {
			throw interrupted[0];
		}
		return result[0];
	}

	private Crm crmFor(ConnectionService.Resolved connection, ObjectNode output) {
		return switch (connection.type()) {
			case HUBSPOT -> new HubSpot(connection, output);
			case ZOHO -> new Zoho(connection, output);
			case SALESFORCE -> new Salesforce(connection, output);
			default -> throw new HandoffException.InvalidInput("connectionId", "is not a CRM connection");
		};
	}

	/**
	 * Proves a CRM connection works: its owner lookup with an address no one has, which needs the same token and
	 * rights as owner sync and changes nothing.
	 */
	void probe(ConnectionService.Resolved connection) throws CallFailed, InterruptedException {
		crmFor(connection, json.createObjectNode()).ownerFor("connection-check@handoff.invalid");
	}

	private static Outcome noAgent(ObjectNode output, String why) {
		output.put("action", "none");
		return Outcome.succeeded("No agent (" + why + "); the CRM is left as it is", output);
	}

	/** The chat's assignment now, when {@code chatId} names a chat of the workspace; null otherwise. */
	private Assignment currentAssignment(Context context, String chatId) {
		try {
			Chat chat = chats.get(context.workspace(), new ChatId(chatId), "chatId");
			String email = chat.assigneeId() == null ? null
					: team.member(context.workspace(), chat.assigneeId(), "assigneeId").email();
			return new Assignment(chat.sequence(), email);
		}
		catch (HandoffException | IllegalArgumentException notAChat) {
			return null;
		}
	}

	private record Assignment(long sequence, String email) {
	}

	private void markApplied(Context context, String chat, long sequence, ObjectNode output) {
		jdbc.sql("""
				UPDATE crm_owner_sync SET last_sequence = :sequence, owner_id = coalesce(:owner, owner_id),
				    record_id = coalesce(:record, record_id), updated_at = :now
				WHERE bot_id = :bot AND step_id = :step AND chat_id = :chat""")
			.param("sequence", sequence)
			.param("owner", output.path("ownerId").asString(null))
			.param("record", output.path("recordId").asString(null))
			.param("now", SqlValues.timestamp(Timestamps.now(clock)))
			.param("bot", context.botId().value())
			.param("step", context.stepId())
			.param("chat", chat)
			.update();
	}

	/**
	 * Finds the customer's record (the one remembered for this customer and connection first, else by searching the
	 * CRM), sets its owner, or creates it with {@code ifMissing: create}. Holds a lock on the customer and connection
	 * until the transaction ends, so two chats of one customer never both create a record.
	 */
	private Outcome apply(Crm crm, Context context, PhoneMatch phone, String email, String previousOwner,
			ObjectNode output) throws InterruptedException {
		try {
			String owner = Optional.ofNullable(context.config().path("ownerMap").get(email.toLowerCase(Locale.ROOT)))
				.map(JsonNode::asString)
				.orElse(null);
			if (owner == null) {
				owner = crm.ownerFor(email).orElse(null);
			}
			if (owner == null) {
				return new Outcome(false, "No " + crm.name() + " user has the email " + email
						+ "; add the agent to the step's ownerMap", output);
			}
			output.put("ownerId", owner);
			String connectionId = context.config().path("connectionId").asString();
			jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:key, 0))")
				.param("key", "crm:" + connectionId + ":" + phone.e164())
				.query(Integer.class)
				.single();
			String property = context.config().path("matchProperty").asString(null);
			Lookup lookup = new Lookup(phone, variable(context, "customerEmailVariable"), property,
					property == null ? null : matchValue(context, phone));
			Candidate record = find(crm, connectionId, lookup, previousOwner, output);
			if (record == null) {
				if (context.config().path("ifMissing").asString("skip").equals("create")) {
					String name = variable(context, "customerNameVariable");
					Candidate created = crm.create(phone.e164(), name, owner);
					remember(connectionId, phone, created);
					output.put("recordId", created.id()).put("recordKind", created.kind()).put("action", "created");
					return Outcome.succeeded("Created " + crm.name() + " " + created.kind() + " " + created.id() + " for "
							+ phone.e164() + " owned by " + owner, output);
				}
				output.put("action", "skipped_missing");
				return Outcome.succeeded("No " + crm.name() + " record has the phone " + phone.e164()
						+ " in any format; skipped (ifMissing: skip)", output);
			}
			remember(connectionId, phone, record);
			output.put("recordId", record.id()).put("recordKind", record.kind());
			if (owner.equals(record.owner())) {
				output.put("action", "unchanged");
				return Outcome.succeeded(crm.name() + " " + record.kind() + " " + record.id() + " is already owned by "
						+ owner, output);
			}
			crm.setOwner(record, owner);
			output.put("action", "updated");
			output.put("previousOwnerId", record.owner());
			return Outcome.succeeded("Set the owner of " + crm.name() + " " + record.kind() + " " + record.id() + " to "
					+ owner + " (" + email + ")", output);
		}
		catch (CallFailed e) {
			return e.outcome(output);
		}
	}

	/** What to find a customer by: the number, and when known their email and a property the user named. */
	private record Lookup(PhoneMatch phone, String email, String property, String value) {
	}

	/**
	 * A record a search found: its kind as the CRM's API names it, the phones as typed into it, its email, owner,
	 * the value of the named property, and when it was last modified.
	 */
	record Candidate(String kind, String id, List<String> phones, String email, String owner, String property,
			String modified) {
	}

	/**
	 * The remembered record if it still exists; else the CRM's own searches, each candidate confirmed by number,
	 * email or property, and of several the one the chat's previous agent owns, else the most recently modified.
	 * The run's output shows the searches, every candidate and why one was chosen.
	 */
	private Candidate find(Crm crm, String connectionId, Lookup lookup, String previousOwner, ObjectNode output)
			throws CallFailed, InterruptedException {
		Optional<String[]> remembered = jdbc.sql("""
				SELECT record_kind, record_id FROM crm_records WHERE connection_id = :connection AND customer_phone = :phone""")
			.param("connection", connectionId)
			.param("phone", lookup.phone().e164())
			.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) })
			.optional();
		if (remembered.isPresent()) {
			Optional<Candidate> known = crm.fetch(remembered.get()[0], remembered.get()[1]);
			if (known.isPresent()) {
				output.putObject("chosen").put("id", known.get().id()).put("kind", known.get().kind())
					.put("why", "the record this customer was matched to before");
				return known.get();
			}
			output.put("note", crm.name() + " " + remembered.get()[0] + " " + remembered.get()[1]
					+ ", matched before, no longer exists; searched again");
			jdbc.sql("DELETE FROM crm_records WHERE connection_id = :connection AND customer_phone = :phone")
				.param("connection", connectionId)
				.param("phone", lookup.phone().e164())
				.update();
		}
		ArrayNode searches = output.putArray("searches");
		Map<String, Candidate> found = new LinkedHashMap<>();
		for (Candidate c : crm.search(lookup, searches)) {
			found.putIfAbsent(c.kind() + "/" + c.id(), c);
		}
		ArrayNode shown = output.putArray("candidates");
		List<Candidate> confirmed = new ArrayList<>();
		for (Candidate c : found.values()) {
			ObjectNode row = shown.addObject().put("kind", c.kind()).put("id", c.id()).put("ownerId", c.owner())
				.put("modifiedAt", c.modified());
			c.phones().forEach(row.putArray("phones")::add);
			String why = confirmation(c, lookup);
			if (why == null) {
				row.put("rejected", "no phone is " + lookup.phone().e164()
						+ (lookup.email() == null ? "" : ", and the email is not " + lookup.email()));
			}
			else {
				row.put("matched", why);
				confirmed.add(c);
			}
		}
		if (confirmed.isEmpty()) {
			return null;
		}
		Candidate chosen = confirmed.stream().filter(c -> previousOwner != null && previousOwner.equals(c.owner()))
			.findFirst()
			.orElse(null);
		String why;
		if (chosen != null) {
			why = confirmed.size() == 1 ? "the only match" : "of " + confirmed.size()
					+ " matches, the one owned by the chat's previous agent";
		}
		else {
			chosen = confirmed.stream().max(Comparator.comparing((Candidate c) -> instant(c.modified()))).orElseThrow();
			why = confirmed.size() == 1 ? "the only match" : "of " + confirmed.size() + " matches, the most recently modified";
		}
		output.putObject("chosen").put("id", chosen.id()).put("kind", chosen.kind()).put("why", why);
		return chosen;
	}

	/** Why a candidate is the customer (its phone as typed is the number, its email, the property), or null. */
	private static String confirmation(Candidate c, Lookup lookup) {
		for (String typed : c.phones()) {
			if (lookup.phone().matches(typed)) {
				return "phone '" + typed + "' is " + lookup.phone().e164();
			}
		}
		if (lookup.email() != null && c.email() != null && lookup.email().strip().equalsIgnoreCase(c.email().strip())) {
			return "email " + c.email();
		}
		if (lookup.property() != null && lookup.value() != null && lookup.value().equals(c.property())) {
			return lookup.property() + " is " + lookup.value();
		}
		return null;
	}

	private void remember(String connectionId, PhoneMatch phone, Candidate record) {
		jdbc.sql("""
				INSERT INTO crm_records (connection_id, customer_phone, record_kind, record_id, updated_at)
				VALUES (:connection, :phone, :kind, :id, :now)
				ON CONFLICT (connection_id, customer_phone)
				DO UPDATE SET record_kind = excluded.record_kind, record_id = excluded.record_id, updated_at = excluded.updated_at""")
			.param("connection", connectionId)
			.param("phone", phone.e164())
			.param("kind", record.kind())
			.param("id", record.id())
			.param("now", SqlValues.timestamp(Timestamps.now(clock)))
			.update();
	}

	/** Variables a step saved before these settings existed reads by their default names. */
	private static final Map<String, String> DEFAULT_VARIABLES = Map.of("businessNumberVariable", "businessNumber",
			"customerEmailVariable", "customerEmail");

	/** The value of the variable a setting names (or its default name), or null when it is empty. */
	private static String variable(Context context, String setting) {
		String name = context.config().path(setting).asString(DEFAULT_VARIABLES.get(setting));
		String value = name == null ? null : context.variable(name);
		return value == null || value.isBlank() ? null : value.strip();
	}

	/** The value of the named property to match: the step's variable, else the customer's WhatsApp id. */
	private static String matchValue(Context context, PhoneMatch phone) {
		return Optional.ofNullable(variable(context, "matchValueVariable")).orElse(phone.internationalDigits());
	}

	/** When a CRM says a record was modified: ISO 8601 with an offset ({@code Z}, {@code +05:30} or {@code +0000}). */
	static Instant instant(String text) {
		if (text == null || text.isBlank()) {
			return Instant.MIN;
		}
		try {
			return OffsetDateTime.parse(text, CRM_TIMES).toInstant();
		}
		catch (DateTimeParseException e) {
			return Instant.MIN;
		}
	}

	private static final DateTimeFormatter CRM_TIMES = new DateTimeFormatterBuilder()
		.append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
		.optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
		.optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
		.toFormatter(Locale.ROOT);

	/** What owner sync needs of a CRM. */
	private abstract class Crm {

		final ConnectionService.Resolved connection;
		final ObjectNode output;

		Crm(ConnectionService.Resolved connection, ObjectNode output) {
			this.connection = connection;
			this.output = output;
		}

		abstract String name();

		abstract String authorization();

		abstract Optional<String> ownerFor(String email) throws CallFailed, InterruptedException;

		/** Every record the CRM's searches for the lookup return, unconfirmed; each search described in {@code searches}. */
		abstract List<Candidate> search(Lookup lookup, ArrayNode searches) throws CallFailed, InterruptedException;

		/** The record of this kind and id, or empty when it no longer exists. */
		abstract Optional<Candidate> fetch(String kind, String id) throws CallFailed, InterruptedException;

		abstract void setOwner(Candidate record, String ownerId) throws CallFailed, InterruptedException;

		abstract Candidate create(String phone, String name, String ownerId) throws CallFailed, InterruptedException;

		/** Sends a call (with the run's retries), logs its tries, and answers its body as JSON when it succeeded. */
		JsonNode call(String what, Request.Builder request) throws CallFailed, InterruptedException {
			return call(what, request, false);
		}

		/** As {@link #call(String, Request.Builder)}; with {@code missingIsNull}, a 404 or 204 answers null. */
		JsonNode call(String what, Request.Builder request, boolean missingIsNull) throws CallFailed, InterruptedException {
			request.header("Authorization", authorization()).header("Accept", "application/json");
			try {
				OutboundHttp.Exchange exchange = http.call(request.build());
				Steps.logTries(output, exchange.tries(), json);
				if (missingIsNull && (exchange.status() == 404 || exchange.status() == 204)) {
					return null;
				}
				if (!exchange.ok()) {
					String excerpt = exchange.body().length() > 300 ? exchange.body().substring(0, 300) + "…" : exchange.body();
					throw CallFailed.of(name() + " " + what + " answered " + exchange.status() + " after "
							+ exchange.tries().size() + (exchange.tries().size() == 1 ? " try" : " tries") + ": " + excerpt,
							exchange);
				}
				return exchange.body().isBlank() ? json.nullNode() : json.readTree(exchange.body());
			}
			catch (OutboundHttp.Failed e) {
				Steps.logTries(output, e.tries(), json);
				throw CallFailed.of(name() + " " + what + " failed: " + e.getMessage(), e);
			}
			catch (tools.jackson.core.JacksonException e) {
				throw new CallFailed(name() + " " + what + " answered something that is not JSON");
			}
		}

		RequestBody body(JsonNode node) {
			return RequestBody.create(node.toString(), JSON);
		}

		HttpUrl url(String base, String path) {
			HttpUrl url = HttpUrl.parse(base + path);
			if (url == null) {
				throw new HandoffException.InvalidInput("connectionId", "has an invalid base URL: " + base);
			}
			return url;
		}

		static List<String> texts(JsonNode record, String... fields) {
			List<String> values = new ArrayList<>();
			for (String field : fields) {
				String value = record.path(field).asString(null);
				if (value != null && !value.isBlank()) {
					values.add(value);
				}
			}
			return values;
		}
	}

	/**
	 * HubSpot contacts, searched on the calculated properties HubSpot keeps for this: digits only, national
	 * ({@code hs_searchable_calculated_phone_number}, {@code …_mobile_number}) and with the country code
	 * ({@code …_international_phone_number}, {@code …_international_mobile_number}); email and a named property in a
	 * second search. Five filter groups at most per search (HubSpot's limit), newest first.
	 */
	private final class HubSpot extends Crm {

		private static final String CONTACT = "contact";

		private final String base;

		HubSpot(ConnectionService.Resolved connection, ObjectNode output) {
			super(connection, output);
			this.base = or(connection.setting("baseUrl"), properties.hubspotBaseUrl());
		}

		@Override
		String name() {
			return "HubSpot";
		}

		@Override
		String authorization() {
			return "Bearer " + connection.secret("token");
		}

		@Override
		Optional<String> ownerFor(String email) throws CallFailed, InterruptedException {
			JsonNode owners = call("owner lookup", new Request.Builder().url(url(base, "/crm/v3/owners/").newBuilder()
				.addQueryParameter("email", email)
				.addQueryParameter("limit", "1")
				.build()));
			JsonNode first = owners.path("results").path(0);
			return first.isMissingNode() ? Optional.empty() : Optional.of(first.path("id").asString());
		}

		private List<String> properties(Lookup lookup) {
			List<String> names = new ArrayList<>(List.of("hubspot_owner_id", "phone", "mobilephone", "email",
					"lastmodifieddate"));
			if (lookup.property() != null) {
				names.add(lookup.property());
			}
			return names;
		}

		@Override
		List<Candidate> search(Lookup lookup, ArrayNode searches) throws CallFailed, InterruptedException {
			List<String[]> phoneFilters = List.of(
					new String[] { "hs_searchable_calculated_phone_number", lookup.phone().nationalDigits() },
					new String[] { "hs_searchable_calculated_mobile_number", lookup.phone().nationalDigits() },
					new String[] { "hs_searchable_calculated_international_phone_number", lookup.phone().internationalDigits() },
					new String[] { "hs_searchable_calculated_international_mobile_number", lookup.phone().internationalDigits() });
			List<Candidate> found = new ArrayList<>(search(lookup, phoneFilters, searches));
			List<String[]> identity = new ArrayList<>();
			if (lookup.email() != null) {
				identity.add(new String[] { "email", lookup.email() });
			}
			if (lookup.property() != null && lookup.value() != null) {
				identity.add(new String[] { lookup.property(), lookup.value() });
			}
			if (!identity.isEmpty()) {
				found.addAll(search(lookup, identity, searches));
			}
			return found;
		}

		private List<Candidate> search(Lookup lookup, List<String[]> filters, ArrayNode searches)
				throws CallFailed, InterruptedException {
			ObjectNode search = json.createObjectNode();
			ArrayNode groups = search.putArray("filterGroups");
			for (String[] filter : filters) {
				groups.addObject().putArray("filters").addObject().put("propertyName", filter[0]).put("operator", "EQ")
					.put("value", filter[1]);
			}
			properties(lookup).forEach(search.putArray("properties")::add);
			search.putArray("sorts").addObject().put("propertyName", "lastmodifieddate").put("direction", "DESCENDING");
			search.put("limit", 10);
			searches.add("POST /crm/v3/objects/contacts/search " + search);
			JsonNode answer = call("contact search",
					new Request.Builder().url(url(base, "/crm/v3/objects/contacts/search")).post(body(search)));
			List<Candidate> found = new ArrayList<>();
			for (JsonNode contact : answer.path("results")) {
				found.add(candidate(contact, lookup.property()));
			}
			return found;
		}

		private Candidate candidate(JsonNode contact, String property) {
			JsonNode p = contact.path("properties");
			return new Candidate(CONTACT, contact.path("id").asString(), texts(p, "phone", "mobilephone"),
					p.path("email").asString(null), p.path("hubspot_owner_id").asString(null),
					property == null ? null : p.path(property).asString(null), p.path("lastmodifieddate").asString(null));
		}

		@Override
		Optional<Candidate> fetch(String kind, String id) throws CallFailed, InterruptedException {
			JsonNode contact = call("contact read", new Request.Builder().url(url(base, "/crm/v3/objects/contacts/").newBuilder()
				.addPathSegment(id)
				.addQueryParameter("properties", "hubspot_owner_id,phone,mobilephone,email,lastmodifieddate")
				.build()), true);
			return contact == null || contact.path("archived").asBoolean(false) ? Optional.empty()
					: Optional.of(candidate(contact, null));
		}

		@Override
		void setOwner(Candidate record, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode patch = json.createObjectNode();
			patch.putObject("properties").put("hubspot_owner_id", ownerId);
			call("contact update", new Request.Builder()
				.url(url(base, "/crm/v3/objects/contacts/").newBuilder().addPathSegment(record.id()).build())
				.patch(body(patch)));
		}

		@Override
		Candidate create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode contact = json.createObjectNode();
			ObjectNode props = contact.putObject("properties");
			props.put("phone", phone);
			if (name != null) {
				props.put("firstname", name);
			}
			props.put("hubspot_owner_id", ownerId);
			String id = call("contact creation", new Request.Builder().url(url(base, "/crm/v3/objects/contacts")).post(body(contact)))
				.path("id")
				.asString();
			return new Candidate(CONTACT, id, List.of(phone), null, ownerId, null, null);
		}
	}

	/**
	 * Zoho CRM Leads and Contacts, searched with Zoho's phone search (every phone field, formatting ignored), then
	 * by email and a named field ({@code criteria=(field:equals:value)}, with Zoho's escapes).
	 */
	private final class Zoho extends Crm {

		private static final List<String> MODULES = List.of("Leads", "Contacts");

		private final String base;

		Zoho(ConnectionService.Resolved connection, ObjectNode output) {
			super(connection, output);
			this.base = or(connection.setting("baseUrl"), properties.zohoBaseUrl());
		}

		@Override
		String name() {
			return "Zoho CRM";
		}

		@Override
		String authorization() {
			return "Zoho-oauthtoken " + connection.secret("token");
		}

		@Override
		Optional<String> ownerFor(String email) throws CallFailed, InterruptedException {
			for (int page = 1; page <= 50; page++) {
				JsonNode users = call("user lookup", new Request.Builder().url(url(base, "/crm/v6/users").newBuilder()
					.addQueryParameter("type", "ActiveUsers")
					.addQueryParameter("page", Integer.toString(page))
					.addQueryParameter("per_page", "200")
					.build()));
				for (Iterator<JsonNode> it = users.path("users").values().iterator(); it.hasNext();) {
					JsonNode user = it.next();
					if (user.path("email").asString("").equalsIgnoreCase(email)) {
						return Optional.of(user.path("id").asString());
					}
				}
				if (!users.path("info").path("more_records").asBoolean(false)) {
					break;
				}
			}
			return Optional.empty();
		}

		private String fields(String property) {
			return "Owner,Phone,Mobile,Email,Modified_Time" + (property == null ? "" : "," + property);
		}

		@Override
		List<Candidate> search(Lookup lookup, ArrayNode searches) throws CallFailed, InterruptedException {
			List<Candidate> found = new ArrayList<>();
			for (String module : MODULES) {
				found.addAll(search(module, "phone", lookup.phone().nationalDigits(), lookup, searches));
				if (lookup.email() != null) {
					found.addAll(search(module, "email", lookup.email(), lookup, searches));
				}
				if (lookup.property() != null && lookup.value() != null) {
					found.addAll(search(module, "criteria", "(" + lookup.property() + ":equals:" + criteria(lookup.value()) + ")",
							lookup, searches));
				}
			}
			return found;
		}

		private List<Candidate> search(String module, String parameter, String value, Lookup lookup, ArrayNode searches)
				throws CallFailed, InterruptedException {
			HttpUrl url = url(base, "/crm/v6/" + module + "/search").newBuilder()
				.addQueryParameter(parameter, value)
				.addQueryParameter("fields", fields(lookup.property()))
				.build();
			searches.add("GET " + url.encodedPath() + "?" + url.query());
			JsonNode answer = call(module + " search", new Request.Builder().url(url));
			List<Candidate> found = new ArrayList<>();
			for (JsonNode record : answer.path("data")) {
				found.add(candidate(module, record, lookup.property()));
			}
			return found;
		}

		private Candidate candidate(String module, JsonNode record, String property) {
			return new Candidate(module, record.path("id").asString(), texts(record, "Phone", "Mobile"),
					record.path("Email").asString(null), record.path("Owner").path("id").asString(null),
					property == null ? null : record.path(property).asString(null), record.path("Modified_Time").asString(null));
		}

		/** A value in Zoho's search criteria: parentheses and commas escaped with a backslash. */
		static String criteria(String value) {
			return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace(",", "\\,");
		}

		@Override
		Optional<Candidate> fetch(String kind, String id) throws CallFailed, InterruptedException {
			JsonNode answer = call(kind + " read", new Request.Builder().url(url(base, "/crm/v6/" + kind + "/").newBuilder()
				.addPathSegment(id)
				.addQueryParameter("fields", fields(null))
				.build()), true);
			JsonNode record = answer == null ? null : answer.path("data").path(0);
			return record == null || record.isMissingNode() ? Optional.empty() : Optional.of(candidate(kind, record, null));
		}

		@Override
		void setOwner(Candidate record, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode update = json.createObjectNode();
			update.putArray("data").addObject().putObject("Owner").put("id", ownerId);
			JsonNode answer = call(record.kind() + " update", new Request.Builder()
				.url(url(base, "/crm/v6/" + record.kind() + "/").newBuilder().addPathSegment(record.id()).build())
				.put(body(update)));
			String code = answer.path("data").path(0).path("code").asString("");
			if (!code.equals("SUCCESS")) {
				throw new CallFailed("Zoho CRM " + record.kind() + " update answered " + code + ": "
						+ answer.path("data").path(0).path("message").asString(""));
			}
		}

		@Override
		Candidate create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode lead = json.createObjectNode();
			ObjectNode record = lead.putArray("data").addObject();
			record.put("Last_Name", name != null ? name : phone);
			record.put("Phone", phone);
			record.putObject("Owner").put("id", ownerId);
			JsonNode answer = call("lead creation", new Request.Builder().url(url(base, "/crm/v6/Leads")).post(body(lead)));
			JsonNode result = answer.path("data").path(0);
			if (!result.path("code").asString("").equals("SUCCESS")) {
				throw new CallFailed("Zoho CRM lead creation answered " + result.path("code").asString("") + ": "
						+ result.path("message").asString(""));
			}
			return new Candidate("Leads", result.path("details").path("id").asString(), List.of(phone), null, ownerId, null,
					null);
		}
	}

	/**
	 * Salesforce Leads (not converted) and Contacts, found with SOSL in phone fields, which ignores formatting; by
	 * email with SOSL in email fields; by a named field with SOQL.
	 */
	private final class Salesforce extends Crm {

		private static final String FIELDS = "Id, OwnerId, Phone, MobilePhone, Email, LastModifiedDate";

		private final String base;

		Salesforce(ConnectionService.Resolved connection, ObjectNode output) {
			super(connection, output);
			this.base = connection.setting("instanceUrl") + "/services/data/" + connection.setting("apiVersion");
		}

		@Override
		String name() {
			return "Salesforce";
		}

		@Override
		String authorization() {
			return "Bearer " + connection.secret("token");
		}

		private JsonNode query(String what, String soql) throws CallFailed, InterruptedException {
			return call(what, new Request.Builder().url(url(base, "/query").newBuilder().addQueryParameter("q", soql).build()));
		}

		@Override
		Optional<String> ownerFor(String email) throws CallFailed, InterruptedException {
			JsonNode users = query("user lookup",
					"SELECT Id FROM User WHERE Email = '" + soql(email) + "' AND IsActive = true LIMIT 1");
			JsonNode first = users.path("records").path(0);
			return first.isMissingNode() ? Optional.empty() : Optional.of(first.path("Id").asString());
		}

		@Override
		List<Candidate> search(Lookup lookup, ArrayNode searches) throws CallFailed, InterruptedException {
			List<Candidate> found = new ArrayList<>(sosl(lookup.phone().nationalDigits(), "PHONE", lookup, searches));
			if (lookup.email() != null) {
				found.addAll(sosl(lookup.email(), "EMAIL", lookup, searches));
			}
			if (lookup.property() != null && lookup.value() != null) {
				for (String object : List.of("Lead", "Contact")) {
					String soql = "SELECT " + FIELDS + ", " + lookup.property() + " FROM " + object + " WHERE "
							+ lookup.property() + " = '" + soql(lookup.value()) + "'"
							+ (object.equals("Lead") ? " AND IsConverted = false" : "") + " ORDER BY LastModifiedDate DESC LIMIT 10";
					searches.add("GET /query q=" + soql);
					for (JsonNode record : query(object + " lookup", soql).path("records")) {
						found.add(candidate(record, lookup.property()));
					}
				}
			}
			return found;
		}

		private List<Candidate> sosl(String term, String fields, Lookup lookup, ArrayNode searches)
				throws CallFailed, InterruptedException {
			String returning = FIELDS + (lookup.property() == null ? "" : ", " + lookup.property());
			String sosl = "FIND {" + sosl(term) + "} IN " + fields + " FIELDS RETURNING Lead(" + returning
					+ " WHERE IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 10), Contact(" + returning
					+ " ORDER BY LastModifiedDate DESC LIMIT 10)";
			searches.add("GET /search q=" + sosl);
			JsonNode answer = call("search", new Request.Builder().url(url(base, "/search").newBuilder()
				.addQueryParameter("q", sosl)
				.build()));
			List<Candidate> found = new ArrayList<>();
			for (JsonNode record : answer.path("searchRecords")) {
				found.add(candidate(record, lookup.property()));
			}
			return found;
		}

		private Candidate candidate(JsonNode record, String property) {
			return new Candidate(record.path("attributes").path("type").asString("Lead"), record.path("Id").asString(),
					texts(record, "Phone", "MobilePhone"), record.path("Email").asString(null),
					record.path("OwnerId").asString(null), property == null ? null : record.path(property).asString(null),
					record.path("LastModifiedDate").asString(null));
		}

		@Override
		Optional<Candidate> fetch(String kind, String id) throws CallFailed, InterruptedException {
			JsonNode record = call(kind + " read", new Request.Builder().url(url(base, "/sobjects/" + kind + "/").newBuilder()
				.addPathSegment(id)
				.addQueryParameter("fields", FIELDS.replace(" ", ""))
				.build()), true);
			return record == null ? Optional.empty() : Optional.of(candidate(record, null));
		}

		@Override
		void setOwner(Candidate record, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode patch = json.createObjectNode().put("OwnerId", ownerId);
			call(record.kind() + " update", new Request.Builder()
				.url(url(base, "/sobjects/" + record.kind() + "/").newBuilder().addPathSegment(record.id()).build())
				.patch(body(patch)));
		}

		@Override
		Candidate create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode lead = json.createObjectNode()
				.put("LastName", name != null ? name : phone)
				.put("Company", "WhatsApp")
				.put("Phone", phone)
				.put("LeadSource", "WhatsApp")
				.put("OwnerId", ownerId);
			String id = call("lead creation", new Request.Builder().url(url(base, "/sobjects/Lead")).post(body(lead)))
				.path("id")
				.asString();
			return new Candidate("Lead", id, List.of(phone), null, ownerId, null, null);
		}

		/** Escapes a value for a SOQL string literal. */
		private static String soql(String value) {
			return value.replace("\\", "\\\\").replace("'", "\\'");
		}

		/** Escapes a SOSL search term: a backslash before each of SOSL's reserved characters. */
		static String sosl(String term) {
			StringBuilder out = new StringBuilder();
			for (char c : term.toCharArray()) {
				if ("?&|!{}[]()^~*:\\\"'+-".indexOf(c) >= 0) {
					out.append('\\');
				}
				out.append(c);
			}
			return out.toString();
		}
	}

	private static String or(String value, String otherwise) {
		return value == null || value.isBlank() ? otherwise : value;
	}

	private static Long parseLong(String text) {
		try {
			return new java.math.BigDecimal(text.strip()).longValueExact();
		}
		catch (ArithmeticException | NumberFormatException e) {
			return null;
		}
	}
}
