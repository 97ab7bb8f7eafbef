package io.handoff.ai;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.Connection;
import io.handoff.connectors.ConnectionService;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.MemberId;
import io.handoff.channels.Replies;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.HandoffException;
import io.handoff.platform.WorkspaceId;
import io.handoff.studio.Handoffs;
import io.handoff.studio.StepAction;

/**
 * AI Bot: reads the customer's message (and the chat's last few), decides an intent, replies with the intent's short
 * answer if it has one, and hands the chat off with source {@code ai_bot}: to the intent's people when the decision
 * is confident, at once when the customer asks for a human, and to the fallback people on low confidence. A chat a
 * person already holds is never taken from them. Every decision is in the run log.
 */
@Component
class AiBotAction implements StepAction {

	static final String TYPE = "ai_bot";

	private final Triage triage;
	private final Handoffs handoffs;
	private final ChatService chats;
	private final MessageService messages;
	private final TeamService team;
	private final ConnectionService connections;
	private final TransactionTemplate transactions;
	private final Replies replies;
	private final SentenceEmbeddings embeddings;
	private final JsonMapper json;

	AiBotAction(Triage triage, Handoffs handoffs, ChatService chats, MessageService messages, TeamService team,
			ConnectionService connections, TransactionTemplate transactions, Replies replies,
			SentenceEmbeddings embeddings, JsonMapper json) {
		this.embeddings = embeddings;
		this.replies = replies;
		this.triage = triage;
		this.handoffs = handoffs;
		this.chats = chats;
		this.messages = messages;
		this.team = team;
		this.connections = connections;
		this.transactions = transactions;
		this.json = json;
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field) {
		ObjectNode valid = json.createObjectNode();
		JsonNode intents = config.get("intents");
		if (intents == null || !intents.isArray() || intents.size() < 2 || intents.size() > 50) {
			throw new HandoffException.InvalidInput(field + ".intents", "must list 2 to 50 intents, each with example phrases");
		}
		ArrayNode validIntents = valid.putArray("intents");
		Set<String> names = new LinkedHashSet<>();
		for (int i = 0; i < intents.size(); i++) {
			String at = field + ".intents[" + i + "]";
			JsonNode intent = intents.get(i);
			String name = intent.path("name").asString("").strip().toLowerCase(Locale.ROOT);
			if (!name.matches("[a-z][a-z0-9_]{0,39}")) {
				throw new HandoffException.InvalidInput(at + ".name", "must be a short name in lower case, e.g. sales");
			}
			if (!names.add(name)) {
				throw new HandoffException.InvalidInput(at + ".name", "'" + name + "' is used twice");
			}
			JsonNode examples = intent.get("examples");
			if (examples == null || !examples.isArray() || examples.size() < 3
					|| examples.valueStream().anyMatch(e -> !e.isString() || e.asString().isBlank() || e.asString().length() > 500)) {
				throw new HandoffException.InvalidInput(at + ".examples",
						"must list at least 3 example phrases customers write (at most 500 characters each)");
			}
			ObjectNode out = validIntents.addObject();
			out.put("name", name);
			out.set("examples", examples);
			if (intent.hasNonNull("phraseBank")) {
				String bank = intent.path("phraseBank").asString("");
				if (!PhraseBank.PHRASES.containsKey(bank)) {
					throw new HandoffException.InvalidInput(at + ".phraseBank", "must be one of the built-in phrase banks: "
							+ String.join(", ", PhraseBank.PHRASES.keySet().stream().sorted().toList()));
				}
				out.put("phraseBank", bank);
			}
			String reply = intent.path("reply").asString(null);
			if (reply != null && !reply.isBlank()) {
				if (reply.length() > 1000) {
					throw new HandoffException.InvalidInput(at + ".reply", "must be at most 1000 characters");
				}
				out.put("reply", reply.strip());
			}
			if (intent.hasNonNull("handoff")) {
				out.set("handoff", target(workspace, intent.get("handoff"), at + ".handoff"));
			}
		}
		if (!config.hasNonNull("fallback")) {
			throw new HandoffException.InvalidInput(field + ".fallback",
					"is required: who gets the chat on low confidence, a request for a human, or a provider error");
		}
		valid.set("fallback", target(workspace, config.get("fallback"), field + ".fallback"));
		double threshold = config.path("threshold").asDouble(0.5);
		if (config.has("threshold") && (!config.get("threshold").isNumber() || threshold <= 0 || threshold >= 1)) {
			throw new HandoffException.InvalidInput(field + ".threshold", "must be a number between 0 and 1");
		}
		valid.put("threshold", threshold);
		String human = config.path("humanIntent").asString("human");
		valid.put("humanIntent", human);
		String provider = config.path("provider").asString("builtin");
		if (!provider.equals("builtin") && !provider.equals("openai")) {
			throw new HandoffException.InvalidInput(field + ".provider", "must be builtin or openai");
		}
		valid.put("provider", provider);
		if (provider.equals("openai")) {
			String connection = config.path("connectionId").asString("");
			connections.resolve(workspace, connection, Connection.Type.OPENAI, field + ".connectionId");
			valid.put("connectionId", connection);
			valid.put("model", config.path("model").asString("gpt-4o-mini"));
			int timeout = config.path("timeoutSeconds").asInt(5);
			if (timeout < 1 || timeout > 30) {
				throw new HandoffException.InvalidInput(field + ".timeoutSeconds", "must be from 1 to 30");
			}
			valid.put("timeoutSeconds", timeout);
		}
		if (config.has("phraseBank") && !config.get("phraseBank").isBoolean()) {
			throw new HandoffException.InvalidInput(field + ".phraseBank",
					"must be true or false: add the built-in phrases to intents named like them");
		}
		valid.put("phraseBank", config.path("phraseBank").asBoolean(false));
		// A bot will triage with the built-in classifier (or fall back to it): have the model ready.
		embeddings.warmUp();
		valid.put("textVariable", config.path("textVariable").asString("text"));
		valid.put("chatIdVariable", config.path("chatIdVariable").asString("chatId"));
		return valid;
	}

	private ObjectNode target(WorkspaceId workspace, JsonNode given, String field) {
		ObjectNode target = json.createObjectNode();
		String strategy = given.path("strategy").asString("round_robin").toLowerCase(Locale.ROOT);
		try {
			Handoffs.Strategy.valueOf(strategy.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException e) {
			throw new HandoffException.InvalidInput(field + ".strategy", "must be member, round_robin or least_busy");
		}
		target.put("strategy", strategy);
		JsonNode pool = given.get("pool");
		if (pool == null || !pool.isArray() || pool.isEmpty()) {
			throw new HandoffException.InvalidInput(field + ".pool", "must list the member ids to hand off to");
		}
		ArrayNode ids = target.putArray("pool");
		for (int i = 0; i < pool.size(); i++) {
			team.member(workspace, new MemberId(pool.get(i).asString("")), field + ".pool[" + i + "]");
			ids.add(pool.get(i).asString());
		}
		target.put("onlineOnly", given.path("onlineOnly").asBoolean(false));
		return target;
	}

	/** What the bot decides about a message, and whom it would hand the chat to. */
	record Verdict(Triage.Decision decision, String reason, String targetKey, JsonNode target, String reply) {
	}

	Verdict judge(WorkspaceId workspace, ObjectNode config, String text, List<String> earlier) {
		Triage.Decision decision = triage.decide(workspace, config, text, earlier);
		JsonNode intent = null;
		for (JsonNode candidate : config.path("intents")) {
			if (candidate.path("name").asString().equals(decision.intent())) {
				intent = candidate;
			}
		}
		boolean human = config.path("humanIntent").asString("human").equals(decision.intent());
		boolean confident = decision.confidence() >= config.path("threshold").asDouble(0.5);
		String reason;
		String key;
		JsonNode target;
		if (decision.providerError() != null && !confident) {
			reason = "the provider failed (" + decision.providerError() + ") and the built-in classifier is unsure";
			key = "fallback";
			target = config.get("fallback");
		}
		else if (human && confident) {
			reason = "the customer asked for a person";
			key = intent != null && intent.has("handoff") ? "intent:" + decision.intent() : "fallback";
			target = intent != null && intent.has("handoff") ? intent.get("handoff") : config.get("fallback");
		}
		else if (!confident) {
			reason = "low confidence (" + Math.round(decision.confidence() * 100) + "% < "
					+ Math.round(config.path("threshold").asDouble(0.5) * 100) + "%)";
			key = "fallback";
			target = config.get("fallback");
		}
		else if (intent != null && intent.has("handoff")) {
			reason = "intent " + decision.intent();
			key = "intent:" + decision.intent();
			target = intent.get("handoff");
		}
		else {
			reason = "intent " + decision.intent() + " has no hand-off of its own";
			key = "fallback";
			target = config.get("fallback");
		}
		String reply = confident && intent != null && !human ? intent.path("reply").asString(null) : null;
		return new Verdict(decision, reason, key, target, reply);
	}

	static Handoffs.Target target(JsonNode target) {
		List<MemberId> pool = new ArrayList<>();
		target.path("pool").forEach(id -> pool.add(new MemberId(id.asString())));
		Handoffs.Strategy strategy = Handoffs.Strategy.valueOf(target.path("strategy").asString("round_robin").toUpperCase(Locale.ROOT));
		return new Handoffs.Target(strategy, strategy == Handoffs.Strategy.MEMBER ? pool.subList(0, 1) : pool,
				target.path("onlineOnly").asBoolean(false));
	}

	@Override
	public Outcome run(Context context) {
		ObjectNode config = context.config();
		ChatId chatId = context.chatId() != null ? context.chatId()
				: context.variable(config.path("chatIdVariable").asString("chatId")) == null ? null
						: new ChatId(context.variable(config.path("chatIdVariable").asString("chatId")));
		if (chatId == null) {
			return Outcome.failed("No chat: the trigger names none and the chatId variable is empty");
		}
		String text = context.variable(config.path("textVariable").asString("text"));
		if (text == null) {
			return Outcome.failed("No message text in variable " + config.path("textVariable").asString("text"));
		}
		Chat chat = chats.get(context.workspace(), chatId, "chatId");
		List<String> earlier = messages.latest(context.workspace(), chatId, 6)
			.stream()
			.filter(m -> m.direction().equals("inbound") && m.body() != null && !m.body().equals(text))
			.map(MessageService.Message::body)
			.toList();
		Verdict verdict = judge(context.workspace(), config, text, earlier);
		ObjectNode output = json.createObjectNode();
		output.put("message", text);
		output.put("provider", verdict.decision().provider());
		if (verdict.decision().providerError() != null) {
			output.put("providerError", verdict.decision().providerError());
		}
		if (verdict.decision().method() != null) {
			// Says in the run whether meaning was weighed, or words alone (and why).
			output.put("method", verdict.decision().method());
		}
		output.put("intent", verdict.decision().intent());
		output.put("confidence", Math.round(verdict.decision().confidence() * 1000) / 1000.0);
		output.put("reason", verdict.reason());
		if (chat.assigneeId() != null) {
			output.put("action", "left_with_assignee");
			output.put("memberId", chat.assigneeId().value());
			return Outcome.succeeded("Intent " + verdict.decision().intent() + " (" + output.get("confidence")
					+ "); the chat is held by a person, so it stays with them", output);
		}
		Handoffs.Result result = transactions.execute(status -> {
			Handoffs.Result handed = handoffs.handOff(context.workspace(), context.botId(),
					context.stepId() + ":" + verdict.targetKey(), chat, target(verdict.target()),
					ChatService.Origin.aiBot(context.botId().value(), context.botName()));
			if (handed.handedOff() && verdict.reply() != null) {
				// Sent over WhatsApp like an agent's reply; once per run and step, however often the step is retried.
				replies.sendFromBot(context.workspace(), chat, verdict.reply(), context.botId().value(), context.botName(),
						"run:" + context.runId().value() + ":" + context.stepId());
			}
			return handed;
		});
		if (!result.handedOff()) {
			output.put("action", "no_one_available");
			return new Outcome(false, result.summary(), output);
		}
		output.put("action", verdict.targetKey().equals("fallback") ? "handed_to_fallback" : "handed_to_intent");
		output.put("memberId", result.member().value());
		output.put("memberName", result.memberName());
		if (verdict.reply() != null) {
			output.put("reply", verdict.reply());
		}
		return Outcome.succeeded("Intent " + verdict.decision().intent() + " (" + output.get("confidence") + ", "
				+ verdict.reason() + "): " + result.summary(), output);
	}
}
