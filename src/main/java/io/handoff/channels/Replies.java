package io.handoff.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.Connection;
import io.handoff.connectors.ConnectionService;
import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Notifications;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;

/**
 * Replies to customers over the WhatsApp Cloud API. A reply is stored as a queued message in the request's
 * transaction (once per client key, so a submit that is repeated sends one message) and the {@link Outbox} sends it
 * through the number's {@code whatsapp_cloud} connection. Inside the 24-hour customer-service window any text goes;
 * after it only an approved template, which is checked against the business account's templates (fetched from the
 * Graph API and kept for {@code handoff.whatsapp.templates-for}).
 */
@Service
public class Replies {

	/** WhatsApp's limit on a text message's body. */
	static final int MAX_TEXT = 4096;

	static final Duration WINDOW = Duration.ofHours(24);

	private final ChatService chats;
	private final TeamService team;
	private final MessageService messages;
	private final ConnectionService connections;
	private final GraphApi graph;
	private final Notifications notifications;
	private final WhatsAppProperties properties;
	private final JsonMapper json;
	private final Clock clock;
	private final Map<String, Cached> templates = new ConcurrentHashMap<>();

	Replies(ChatService chats, TeamService team, MessageService messages, ConnectionService connections, GraphApi graph,
			Notifications notifications, WhatsAppProperties properties, JsonMapper json, Clock clock) {
		this.chats = chats;
		this.team = team;
		this.messages = messages;
		this.connections = connections;
		this.graph = graph;
		this.notifications = notifications;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	/** A template to send, with a value for each of its parameters (by number or by name). */
	public record TemplateChoice(String name, String language, Map<String, String> parameters) {
	}

	/** What a person wants to send: {@code text}, or a {@code template}; {@code clientKey} identifies the submit. */
	public record Draft(String text, TemplateChoice template, String clientKey) {
	}

	/**
	 * What the composer may offer in a chat.
	 *
	 * @param connected whether the chat's number has a WhatsApp connection; if not, {@code problem} says what to do
	 * @param windowOpen whether the customer wrote in the last 24 hours, so that any text may be sent
	 * @param windowClosesAt when free text stops being allowed (null when the customer never wrote)
	 * @param templates the approved templates, when the window is closed (or empty, with {@code problem})
	 */
	public record Composer(boolean connected, boolean windowOpen, Instant lastCustomerMessageAt, Instant windowClosesAt,
			List<WhatsAppTemplate> templates, String problem) {
	}

	public Composer composer(Caller caller, ChatId chatId) throws InterruptedException {
		Chat chat = chats.get(caller, chatId, "id");
		Optional<Instant> last = messages.lastInboundAt(caller.workspaceId(), chat.id());
		Instant closes = last.map(at -> at.plus(WINDOW)).orElse(null);
		boolean open = closes != null && closes.isAfter(Timestamps.now(clock));
		BusinessNumber number = number(caller.workspaceId(), chat);
		Optional<ConnectionService.Resolved> connection = connection(caller.workspaceId(), number);
		if (connection.isEmpty()) {
			return new Composer(false, open, last.orElse(null), closes, List.of(), notConnected(number));
		}
		if (open) {
			return new Composer(true, true, last.orElse(null), closes, List.of(), null);
		}
		try {
			return new Composer(true, false, last.orElse(null), closes, templates(connection.get(), false), null);
		}
		catch (GraphApi.TemplatesUnavailable e) {
			return new Composer(true, false, last.orElse(null), closes, List.of(), e.getMessage());
		}
	}

	/**
	 * Queues a reply from the caller, who must be allowed to act on the chat. The same client key in the same chat
	 * answers the message it stored the first time. Templates are looked up before anything is stored, outside a
	 * transaction; the queued message and the sender's wake-up commit together.
	 */
	public MessageService.Queued send(Caller caller, ChatId chatId, Draft draft) throws InterruptedException {
		if (draft == null) {
			throw new HandoffException.InvalidInput("body", "is required: text, or a template");
		}
		Chat chat = chats.toActOn(caller, chatId, "id");
		String key = clientKey(chat, draft.clientKey());
		Optional<MessageService.Message> earlier = messages.byClientKey(caller.workspaceId(), key);
		if (earlier.isPresent()) {
			return new MessageService.Queued(earlier.get(), false);
		}
		boolean hasText = draft.text() != null && !draft.text().isBlank();
		if (hasText == (draft.template() != null)) {
			throw new HandoffException.InvalidInput("text", "give either text or a template, not both and not neither");
		}
		MessageService.Author author = switch (caller.kind()) {
			case MEMBER -> new MessageService.Author("member", caller.id(), caller.name());
			case API_KEY -> new MessageService.Author("api_key", caller.id(), caller.name());
		};
		BusinessNumber number = number(caller.workspaceId(), chat);
		ConnectionService.Resolved connection = connection(caller.workspaceId(), number)
			.orElseThrow(() -> new HandoffException.RuleViolation("chatId", notConnected(number)));
		MessageService.Outbound outbound;
		if (hasText) {
			String text = draft.text().strip();
			if (text.length() > MAX_TEXT) {
				throw new HandoffException.InvalidInput("text", "must be at most " + MAX_TEXT + " characters (WhatsApp's limit)");
			}
			Optional<Instant> last = messages.lastInboundAt(caller.workspaceId(), chat.id());
			if (last.isEmpty() || !last.get().plus(WINDOW).isAfter(Timestamps.now(clock))) {
				throw new HandoffException.RuleViolation("text", (last.isEmpty() ? "The customer has not written in this chat"
						: "More than 24 hours have passed since the customer last wrote")
						+ ", so WhatsApp accepts only an approved template: choose one of the number's templates");
			}
			outbound = new MessageService.Outbound("text", text, null, author, key, "queued", null);
		}
		else {
			outbound = template(connection, draft.template(), author, key);
		}
		MessageService.Queued queued = messages.queueOutbound(caller.workspaceId(), chat.id(), outbound);
		if (queued.created()) {
			notifications.wake(Outbox.CHANNEL);
		}
		return queued;
	}

	/**
	 * Queues the AI bot's reply to a customer who has just written (so the window is open). Without a connection
	 * for the number it is kept as not sent, with the reason. {@code clientKey} makes a repeated run send it once.
	 */
	@Transactional
	public MessageService.Message sendFromBot(WorkspaceId workspace, Chat chat, String text, String botId, String botName,
			String clientKey) {
		MessageService.Author author = new MessageService.Author("ai_bot", botId, botName);
		String key = clientKey(chat, clientKey);
		BusinessNumber number = number(workspace, chat);
		boolean connected = connection(workspace, number).isPresent();
		String body = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
		MessageService.Queued queued = messages.queueOutbound(workspace, chat.id(), new MessageService.Outbound("text",
				body, null, author, key, connected ? "queued" : "not_sent", connected ? null : notConnected(number)));
		if (queued.created() && connected) {
			notifications.wake(Outbox.CHANNEL);
		}
		return queued.message();
	}

	private MessageService.Outbound template(ConnectionService.Resolved connection, TemplateChoice choice,
			MessageService.Author author, String key) throws InterruptedException {
		if (choice.name() == null || choice.name().isBlank()) {
			throw new HandoffException.InvalidInput("template.name", "is required");
		}
		if (choice.language() == null || choice.language().isBlank()) {
			throw new HandoffException.InvalidInput("template.language", "is required, e.g. en_US");
		}
		WhatsAppTemplate template;
		try {
			template = find(templates(connection, false), choice)
				.or(() -> refreshed(connection, choice))
				.orElseThrow(() -> new HandoffException.InvalidInput("template.name", "no approved template "
						+ choice.name() + " in " + choice.language() + " on this number's business account"));
		}
		catch (GraphApi.TemplatesUnavailable e) {
			throw new HandoffException.RuleViolation("template", e.getMessage());
		}
		Map<String, String> given = choice.parameters() == null ? Map.of() : choice.parameters();
		Map<String, String> values = new LinkedHashMap<>();
		for (String parameter : template.parameters()) {
			String value = given.get(parameter);
			if (value == null || value.isBlank()) {
				throw new HandoffException.InvalidInput("template.parameters." + parameter,
						"is required: the template's {{" + parameter + "}}");
			}
			if (value.length() > 1024 || value.contains("\n") || value.contains("\t") || value.contains("    ")) {
				throw new HandoffException.InvalidInput("template.parameters." + parameter,
						"must be one line of at most 1024 characters, without tabs or four spaces in a row (WhatsApp's rule)");
			}
			values.put(parameter, value.strip());
		}
		for (String name : given.keySet()) {
			if (!template.parameters().contains(name)) {
				throw new HandoffException.InvalidInput("template.parameters." + name,
						"is not a parameter of " + template.name() + " (it has " + (template.parameters().isEmpty() ? "none"
								: String.join(", ", template.parameters())) + ")");
			}
		}
		ObjectNode stored = json.createObjectNode();
		stored.put("name", template.name());
		stored.put("language", template.language());
		stored.put("named", !template.parameters().stream().allMatch(p -> p.matches("\\d+")));
		ObjectNode parameters = stored.putObject("parameters");
		values.forEach(parameters::put);
		return new MessageService.Outbound("template", GraphApi.render(template.body(), values), stored.toString(), author,
				key, "queued", null);
	}

	private Optional<WhatsAppTemplate> refreshed(ConnectionService.Resolved connection, TemplateChoice choice) {
		try {
			return find(templates(connection, true), choice);
		}
		catch (GraphApi.TemplatesUnavailable e) {
			return Optional.empty();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	private static Optional<WhatsAppTemplate> find(List<WhatsAppTemplate> templates, TemplateChoice choice) {
		return templates.stream()
			.filter(t -> t.name().equals(choice.name().strip()) && t.language().equalsIgnoreCase(choice.language().strip()))
			.findFirst();
	}

	private record Cached(Instant at, List<WhatsAppTemplate> templates) {
	}

	private List<WhatsAppTemplate> templates(ConnectionService.Resolved connection, boolean fresh)
			throws GraphApi.TemplatesUnavailable, InterruptedException {
		String cacheKey = connection.id() + ":" + connection.setting("businessAccountId");
		Cached cached = templates.get(cacheKey);
		Instant now = Timestamps.now(clock);
		if (!fresh && cached != null && cached.at().plus(properties.templatesFor()).isAfter(now)) {
			return cached.templates();
		}
		List<WhatsAppTemplate> listed = List.copyOf(graph.templates(connection));
		templates.put(cacheKey, new Cached(now, listed));
		return listed;
	}

	private Optional<ConnectionService.Resolved> connection(WorkspaceId workspace, BusinessNumber number) {
		if (number.phoneNumberId() == null) {
			return Optional.empty();
		}
		return connections.findBySetting(workspace, Connection.Type.WHATSAPP_CLOUD, "phoneNumberId", number.phoneNumberId());
	}

	private BusinessNumber number(WorkspaceId workspace, Chat chat) {
		return team.number(workspace, chat.businessNumberId(), "businessNumberId");
	}

	/** What to do so that the number can send: set its phone number id, or add its connection. */
	private static String notConnected(BusinessNumber number) {
		String which = number.displayName() + " (" + number.number() + ")";
		return number.phoneNumberId() == null
				? which + " has no WhatsApp phone number ID yet: set it in Settings → Team → Business numbers, then add a WhatsApp Cloud API connection in Settings → Connections"
				: which + " has no WhatsApp Cloud API connection: add one in Settings → Connections with phone number ID "
						+ number.phoneNumberId();
	}

	private static String clientKey(Chat chat, String given) {
		if (given == null || given.isBlank()) {
			return null;
		}
		if (given.length() > 255) {
			throw new HandoffException.InvalidInput("Idempotency-Key", "must be at most 255 characters");
		}
		return chat.id().value() + ":" + given.strip();
	}
}
