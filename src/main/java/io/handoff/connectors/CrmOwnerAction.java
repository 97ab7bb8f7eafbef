package io.handoff.connectors;

import java.time.Clock;
import java.util.Iterator;
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
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;
import io.handoff.studio.StepAction;

/**
 * CRM: set lead/contact owner. Finds the customer's record by phone in HubSpot (contacts, {@code phone} or
 * {@code mobilephone}), Zoho CRM (Leads) or Salesforce (Lead, {@code Phone} or {@code MobilePhone}), resolves the
 * agent to a CRM user by email (an explicit {@code ownerMap} wins), and sets the owner; with {@code ifMissing:
 * create} it creates the record instead of skipping.
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
		String phone = context.variable(config.path("customerPhoneVariable").asString());
		if (phone == null) {
			return Outcome.failed("No customer number in variable " + config.path("customerPhoneVariable").asString());
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
			return apply(crm, context, phone, email, output);
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
			long applied = jdbc.sql("""
					SELECT last_sequence FROM crm_owner_sync WHERE bot_id = :bot AND step_id = :step AND chat_id = :chat
					FOR UPDATE""")
				.param("bot", context.botId().value())
				.param("step", context.stepId())
				.param("chat", chat)
				.query(Long.class)
				.single();
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
				result[0] = apply(crm, context, phone, agent, output);
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

	private Outcome apply(Crm crm, Context context, String phone, String email, ObjectNode output)
			throws InterruptedException {
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
			Optional<String[]> record = crm.findByPhone(phone);
			if (record.isEmpty()) {
				if (context.config().path("ifMissing").asString("skip").equals("create")) {
					String name = context.variable(context.config().path("customerNameVariable").asString());
					String created = crm.create(phone, name, owner);
					output.put("recordId", created);
					output.put("action", "created");
					return Outcome.succeeded("Created " + crm.name() + " " + crm.recordKind() + " " + created
							+ " for " + phone + " owned by " + owner, output);
				}
				output.put("action", "skipped_missing");
				return Outcome.succeeded("No " + crm.name() + " " + crm.recordKind() + " has the phone " + phone
						+ "; skipped (ifMissing: skip)", output);
			}
			String id = record.get()[0];
			output.put("recordId", id);
			if (owner.equals(record.get()[1])) {
				output.put("action", "unchanged");
				return Outcome.succeeded(crm.name() + " " + crm.recordKind() + " " + id + " is already owned by " + owner,
						output);
			}
			crm.setOwner(id, owner);
			output.put("action", "updated");
			output.put("previousOwnerId", record.get()[1]);
			return Outcome.succeeded("Set the owner of " + crm.name() + " " + crm.recordKind() + " " + id + " to " + owner
					+ " (" + email + ")", output);
		}
		catch (CallFailed e) {
			return e.outcome(output);
		}
	}

	/** What owner sync needs of a CRM. Records are {@code [id, ownerId]}. */
	private abstract class Crm {

		final ConnectionService.Resolved connection;
		final ObjectNode output;

		Crm(ConnectionService.Resolved connection, ObjectNode output) {
			this.connection = connection;
			this.output = output;
		}

		abstract String name();

		abstract String recordKind();

		abstract Optional<String> ownerFor(String email) throws CallFailed, InterruptedException;

		abstract Optional<String[]> findByPhone(String phone) throws CallFailed, InterruptedException;

		abstract void setOwner(String recordId, String ownerId) throws CallFailed, InterruptedException;

		abstract String create(String phone, String name, String ownerId) throws CallFailed, InterruptedException;

		abstract String authorization();

		/** Sends a call (with the run's retries), logs its tries, and answers its body as JSON when it succeeded. */
		JsonNode call(String what, Request.Builder request) throws CallFailed, InterruptedException {
			request.header("Authorization", authorization()).header("Accept", "application/json");
			try {
				OutboundHttp.Exchange exchange = http.call(request.build());
				Steps.logTries(output, exchange.tries(), json);
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
	}

	private final class HubSpot extends Crm {

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
		String recordKind() {
			return "contact";
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

		@Override
		Optional<String[]> findByPhone(String phone) throws CallFailed, InterruptedException {
			ObjectNode search = json.createObjectNode();
			ArrayNode groups = search.putArray("filterGroups");
			for (String property : new String[] { "phone", "mobilephone" }) {
				groups.addObject().putArray("filters").addObject().put("propertyName", property).put("operator", "EQ")
					.put("value", phone);
			}
			search.putArray("properties").add("hubspot_owner_id").add("phone").add("mobilephone");
			search.put("limit", 1);
			JsonNode found = call("contact search",
					new Request.Builder().url(url(base, "/crm/v3/objects/contacts/search")).post(body(search)));
			JsonNode first = found.path("results").path(0);
			return first.isMissingNode() ? Optional.empty()
					: Optional.of(new String[] { first.path("id").asString(),
							first.path("properties").path("hubspot_owner_id").asString(null) });
		}

		@Override
		void setOwner(String recordId, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode patch = json.createObjectNode();
			patch.putObject("properties").put("hubspot_owner_id", ownerId);
			call("contact update", new Request.Builder().url(url(base, "/crm/v3/objects/contacts/" + recordId)).patch(body(patch)));
		}

		@Override
		String create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode contact = json.createObjectNode();
			ObjectNode props = contact.putObject("properties");
			props.put("phone", phone);
			if (name != null) {
				props.put("firstname", name);
			}
			props.put("hubspot_owner_id", ownerId);
			return call("contact creation", new Request.Builder().url(url(base, "/crm/v3/objects/contacts")).post(body(contact)))
				.path("id")
				.asString();
		}
	}

	private final class Zoho extends Crm {

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
		String recordKind() {
			return "lead";
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

		@Override
		Optional<String[]> findByPhone(String phone) throws CallFailed, InterruptedException {
			JsonNode found = call("lead search", new Request.Builder().url(url(base, "/crm/v6/Leads/search").newBuilder()
				.addQueryParameter("phone", phone)
				.addQueryParameter("fields", "Owner,Phone")
				.build()));
			JsonNode first = found.path("data").path(0);
			return first.isMissingNode() ? Optional.empty()
					: Optional.of(new String[] { first.path("id").asString(), first.path("Owner").path("id").asString(null) });
		}

		@Override
		void setOwner(String recordId, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode update = json.createObjectNode();
			update.putArray("data").addObject().putObject("Owner").put("id", ownerId);
			JsonNode answer = call("lead update", new Request.Builder().url(url(base, "/crm/v6/Leads/" + recordId)).put(body(update)));
			String code = answer.path("data").path(0).path("code").asString("");
			if (!code.equals("SUCCESS")) {
				throw new CallFailed("Zoho CRM lead update answered " + code + ": "
						+ answer.path("data").path(0).path("message").asString(""));
			}
		}

		@Override
		String create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
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
			return result.path("details").path("id").asString();
		}
	}

	private final class Salesforce extends Crm {

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
		String recordKind() {
			return "lead";
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
		Optional<String[]> findByPhone(String phone) throws CallFailed, InterruptedException {
			String p = soql(phone);
			JsonNode leads = query("lead lookup", "SELECT Id, OwnerId FROM Lead WHERE (Phone = '" + p + "' OR MobilePhone = '"
					+ p + "') AND IsConverted = false ORDER BY CreatedDate LIMIT 1");
			JsonNode first = leads.path("records").path(0);
			return first.isMissingNode() ? Optional.empty()
					: Optional.of(new String[] { first.path("Id").asString(), first.path("OwnerId").asString(null) });
		}

		@Override
		void setOwner(String recordId, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode patch = json.createObjectNode().put("OwnerId", ownerId);
			call("lead update", new Request.Builder().url(url(base, "/sobjects/Lead/" + recordId)).patch(body(patch)));
		}

		@Override
		String create(String phone, String name, String ownerId) throws CallFailed, InterruptedException {
			ObjectNode lead = json.createObjectNode()
				.put("LastName", name != null ? name : phone)
				.put("Company", "WhatsApp")
				.put("Phone", phone)
				.put("LeadSource", "WhatsApp")
				.put("OwnerId", ownerId);
			return call("lead creation", new Request.Builder().url(url(base, "/sobjects/Lead")).post(body(lead)))
				.path("id")
				.asString();
		}

		/** Escapes a value for a SOQL string literal. */
		private static String soql(String value) {
			return value.replace("\\", "\\\\").replace("'", "\\'");
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
