package io.handoff.studio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.HandoffException;
import io.handoff.platform.WorkspaceId;

/**
 * Assign Agent: gives the chat to a member, to the next of a pool in turn (round robin), or to the pool's member
 * with the fewest open chats (least busy, ties in turn). The change is a {@code bot_workflow} assignment by the bot,
 * so it emits {@code chat.assigned} like any other. The rotation is a row in the database, locked while a run picks,
 * so turns are fair across concurrent runs, restarts and nodes.
 */
@Component
class AssignAgentAction implements StepAction {

	static final String TYPE = "assign_agent";

	private static final List<java.util.Map.Entry<String, String>> DEFAULT_VARIABLES = List.of(
			java.util.Map.entry("chatIdVariable", "chatId"), java.util.Map.entry("customerPhoneVariable", "customerNumber"),
			java.util.Map.entry("businessNumberVariable", "businessNumber"));

	private final ChatService chats;
	private final TeamService team;
	private final Handoffs handoffs;
	private final JsonMapper json;

	AssignAgentAction(ChatService chats, TeamService team, Handoffs handoffs, JsonMapper json) {
		this.chats = chats;
		this.team = team;
		this.handoffs = handoffs;
		this.json = json;
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public boolean transactional() {
		return true;
	}

	@Override
	public ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field) {
		ObjectNode valid = json.createObjectNode();
		Handoffs.Strategy strategy = strategy(config, field);
		valid.put("strategy", strategy.name().toLowerCase(Locale.ROOT));
		if (strategy == Handoffs.Strategy.MEMBER) {
			String member = text(config, "memberId");
			if (member == null) {
				throw new HandoffException.InvalidInput(field + ".memberId", "is required for strategy member");
			}
			team.member(workspace, new MemberId(member), field + ".memberId");
			valid.put("memberId", member);
		}
		else {
			JsonNode pool = config.get("pool");
			if (pool == null || !pool.isArray() || pool.isEmpty()) {
				throw new HandoffException.InvalidInput(field + ".pool",
						"must list the member ids to choose from (at least one)");
			}
			LinkedHashSet<String> ids = new LinkedHashSet<>();
			for (int i = 0; i < pool.size(); i++) {
				String itemField = field + ".pool[" + i + "]";
				if (!pool.get(i).isString()) {
					throw new HandoffException.InvalidInput(itemField, "must be a member id");
				}
				team.member(workspace, new MemberId(pool.get(i).asString()), itemField);
				if (!ids.add(pool.get(i).asString())) {
					throw new HandoffException.InvalidInput(itemField, "names a member listed twice");
				}
			}
			ArrayNode array = valid.putArray("pool");
			ids.forEach(array::add);
		}
		valid.put("onlineOnly", bool(config, "onlineOnly", field, false));
		valid.put("skipIfAssigned", bool(config, "skipIfAssigned", field, true));
		// Which variables name the chat, when the trigger does not (On Webhook): by default the conventional names.
		for (var variable : DEFAULT_VARIABLES) {
			String value = text(config, variable.getKey());
			valid.put(variable.getKey(), value != null ? value : variable.getValue());
		}
		return valid;
	}

	@Override
	public Outcome run(Context context) {
		ObjectNode config = context.config();
		Optional<Chat> found = chat(context);
		if (found.isEmpty()) {
			return Outcome.failed("No chat to assign: the trigger names none, and the step's chat variables are "
					+ "not set or empty (chatIdVariable, or customerPhoneVariable and businessNumberVariable)");
		}
		Chat chat = found.get();
		if (chat.status() != Chat.Status.OPEN) {
			return Outcome.failed("Chat " + chat.id() + " is closed");
		}
		if (chat.assigneeId() != null && config.path("skipIfAssigned").asBoolean(true)) {
			ObjectNode output = output(chat.id(), chat.assigneeId(), null, false);
			return Outcome.succeeded("Chat " + chat.id() + " is already assigned; left as it is", output);
		}
		Handoffs.Strategy strategy = Handoffs.Strategy.valueOf(config.path("strategy").asString().toUpperCase(Locale.ROOT));
		List<MemberId> pool = new ArrayList<>();
		if (strategy == Handoffs.Strategy.MEMBER) {
			pool.add(new MemberId(config.path("memberId").asString()));
		}
		else {
			config.path("pool").forEach(id -> pool.add(new MemberId(id.asString())));
		}
		Handoffs.Result result = handoffs.handOff(context.workspace(), context.botId(), context.stepId(), chat,
				new Handoffs.Target(strategy, pool, config.path("onlineOnly").asBoolean(false)),
				ChatService.Origin.botWorkflow(context.botId().value(), context.botName()));
		if (!result.handedOff()) {
			return Outcome.failed(result.summary());
		}
		return Outcome.succeeded(result.summary(), output(chat.id(), result.member(), result.memberName(), result.changed()));
	}

	private Optional<Chat> chat(Context context) {
		if (context.chatId() != null) {
			return Optional.of(chats.get(context.workspace(), context.chatId(), "chatId"));
		}
		ObjectNode config = context.config();
		String chatId = variable(context, config.path("chatIdVariable").asString(null));
		if (chatId != null) {
			return Optional.of(chats.get(context.workspace(), new ChatId(chatId), "chatId"));
		}
		String phone = variable(context, config.path("customerPhoneVariable").asString(null));
		String number = variable(context, config.path("businessNumberVariable").asString(null));
		if (phone != null && number != null) {
			return Optional.of(chats.openOrGetByPhone(context.workspace(), phone, number));
		}
		return Optional.empty();
	}

	private static String variable(Context context, String name) {
		if (name == null) {
			return null;
		}
		JsonNode value = context.variables().get(name);
		return value == null || value.isNull() || value.asString("").isBlank() ? null : value.asString();
	}

	private ObjectNode output(ChatId chat, MemberId member, String name, boolean changed) {
		ObjectNode output = json.createObjectNode();
		output.put("chatId", chat.value());
		output.put("memberId", member.value());
		output.put("memberName", name);
		output.put("changed", changed);
		return output;
	}

	static Handoffs.Strategy strategy(ObjectNode config, String field) {
		String value = text(config, "strategy");
		if (value == null) {
			throw new HandoffException.InvalidInput(field + ".strategy", "is required: member, round_robin or least_busy");
		}
		try {
			return Handoffs.Strategy.valueOf(value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw new HandoffException.InvalidInput(field + ".strategy",
					"'" + value + "' is not one of member, round_robin, least_busy");
		}
	}

	private static String text(ObjectNode config, String name) {
		JsonNode value = config.get(name);
		return value == null || value.isNull() || !value.isString() || value.asString().isBlank() ? null
				: value.asString().strip();
	}

	private static boolean bool(ObjectNode config, String name, String field, boolean otherwise) {
		JsonNode value = config.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isBoolean()) {
			throw new HandoffException.InvalidInput(field + "." + name, "must be true or false");
		}
		return value.asBoolean();
	}
}
