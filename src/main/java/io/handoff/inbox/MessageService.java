package io.handoff.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.Ids;
import io.handoff.platform.PhoneNumbers;
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;

/**
 * Messages of chats. An inbound message finds or creates its customer and the open chat on its business number, is
 * stored once per provider message id, and announces itself with {@link MessageReceived} in the same transaction.
 */
@Service
public class MessageService {

	private final JdbcClient jdbc;
	private final Customers customers;
	private final ChatService chats;
	private final ApplicationEventPublisher publisher;
	private final Chats chatRows;
	private final Clock clock;

	MessageService(JdbcClient jdbc, Customers customers, ChatService chats, Chats chatRows,
			ApplicationEventPublisher publisher, Clock clock) {
		this.jdbc = jdbc;
		this.chatRows = chatRows;
		this.customers = customers;
		this.chats = chats;
		this.publisher = publisher;
		this.clock = clock;
	}

	/** A message from a customer as a channel received it. */
	public record Inbound(BusinessNumber number, String customerPhone, String customerName, String externalId,
			String type, String body, Instant sentAt) {
	}

	/**
	 * A message of a chat. Outbound ones carry their delivery: {@code status} (queued, sending, sent, delivered,
	 * read, failed, not_sent), when it last moved, and Meta's error code with the reason in plain words.
	 */
	public record Message(String id, ChatId chatId, String direction, String externalId, String type, String body,
			Instant sentAt, String status, Instant statusAt, Integer errorCode, String error, Author author) {

		static Message inbound(String id, ChatId chat, String externalId, String type, String body, Instant sentAt) {
			return new Message(id, chat, "inbound", externalId, type, body, sentAt, null, null, null, null, null);
		}
	}

	/** Who wrote an outbound message: a member, the AI bot or an API key, by id and name. */
	public record Author(String type, String id, String name) {
	}

	/**
	 * A message for the business to send: {@code text} or {@code template} (the template as JSON, {@code body} as the
	 * customer will read it). {@code status} is {@code queued} for the sender, or {@code not_sent} with the reason in
	 * {@code error}; {@code clientKey} makes the submit idempotent.
	 */
	public record Outbound(String type, String body, String template, Author author, String clientKey, String status,
			String error) {
	}

	/** A queued message, and whether this call stored it ({@code false}: its client key had stored it before). */
	public record Queued(Message message, boolean created) {
	}

	/**
	 * Records an inbound message; empty when a message with the same provider id was recorded before (a channel that
	 * delivers at least once sends some twice).
	 */
	@Transactional
	public Optional<Message> recordInbound(WorkspaceId workspace, Inbound inbound) {
		String phone = PhoneNumbers.toE164("from", inbound.customerPhone());
		Instant now = Timestamps.now(clock);
		Customer customer = customers.findByPhone(workspace, phone).map(existing -> {
			String name = inbound.customerName() == null || inbound.customerName().isBlank() ? existing.name()
					: inbound.customerName().strip();
			if (name != null && !name.equals(existing.name())) {
				Customer renamed = new Customer(existing.id(), name, existing.phone(), existing.waId(), existing.createdAt());
				customers.update(workspace, renamed);
				return renamed;
			}
			return existing;
		}).orElseGet(() -> {
			Customer created = new Customer(CustomerId.next(), blankToNull(inbound.customerName()), phone,
					PhoneNumbers.waId(phone), now);
			customers.insert(workspace, created);
			return created;
		});
		Chat chat = chats.openOrGet(workspace, inbound.number().id(), customer.id());
		Message message = Message.inbound(Ids.next("msg"), chat.id(), inbound.externalId(), inbound.type(),
				inbound.body(), inbound.sentAt() != null ? inbound.sentAt() : now);
		int inserted = jdbc.sql("""
				INSERT INTO messages (id, workspace_id, chat_id, direction, external_id, type, body, sent_at, created_at)
				VALUES (:id, :workspace, :chat, 'inbound', :external, :type, :body, :sentAt, :now)
				ON CONFLICT (workspace_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
				""")
			.param("id", message.id())
			.param("workspace", workspace.value())
			.param("chat", chat.id().value())
			.param("external", message.externalId())
			.param("type", message.type())
			.param("body", message.body())
			.param("sentAt", SqlValues.timestamp(message.sentAt()))
			.param("now", SqlValues.timestamp(now))
			.update();
		if (inserted == 0) {
			return Optional.empty();
		}
		chatRows.touched(chat.id(), message.sentAt());
		publisher.publishEvent(new MessageReceived(workspace, message, chat, customer, inbound.number()));
		publisher.publishEvent(new ChatActivity(workspace, chat.id()));
		return Optional.of(message);
	}

	/**
	 * Stores a message for the business to send in the chat, once per client key: a second submit with the same key
	 * answers the first message.
	 */
	@Transactional
	public Queued queueOutbound(WorkspaceId workspace, ChatId chat, Outbound outbound) {
		Instant now = Timestamps.now(clock);
		String id = Ids.next("msg");
		int inserted = jdbc.sql("""
				INSERT INTO messages (id, workspace_id, chat_id, direction, type, body, template, sent_at, created_at,
				    status, status_at, error, author_type, author_id, author_name, client_key, next_try_at)
				VALUES (:id, :workspace, :chat, 'outbound', :type, :body, :template, :now, :now, :status, :now, :error,
				    :authorType, :authorId, :authorName, :key, CASE WHEN :status = 'queued' THEN CAST(:now AS timestamptz) END)
				ON CONFLICT (workspace_id, client_key) WHERE client_key IS NOT NULL DO NOTHING
				""")
			.param("id", id)
			.param("workspace", workspace.value())
			.param("chat", chat.value())
			.param("type", outbound.type())
			.param("body", outbound.body())
			.param("template", outbound.template())
			.param("now", SqlValues.timestamp(now))
			.param("status", outbound.status())
			.param("error", outbound.error())
			.param("authorType", outbound.author().type())
			.param("authorId", outbound.author().id())
			.param("authorName", outbound.author().name())
			.param("key", outbound.clientKey())
			.update();
		if (inserted == 0) {
			return new Queued(byClientKey(workspace, outbound.clientKey()).orElseThrow(), false);
		}
		chatRows.touched(chat, now);
		publisher.publishEvent(new ChatActivity(workspace, chat));
		publisher.publishEvent(new ReplyQueued(workspace, chat, outbound.author(), now));
		return new Queued(find(workspace, id).orElseThrow(), true);
	}

	public Optional<Message> byClientKey(WorkspaceId workspace, String clientKey) {
		return clientKey == null ? Optional.empty() : one(workspace, "client_key", clientKey);
	}

	public Optional<Message> find(WorkspaceId workspace, String id) {
		return one(workspace, "id", id);
	}

	/** The workspace's message whose {@code column} (unique) is {@code value}. */
	private Optional<Message> one(WorkspaceId workspace, String column, String value) {
		return jdbc.sql(SELECT + "WHERE workspace_id = :workspace AND " + column + " = :value")
			.param("workspace", workspace.value())
			.param("value", value)
			.query(MessageService::map)
			.optional();
	}

	/** When the customer last wrote in the chat: the 24-hour customer-service window runs from there. */
	public Optional<Instant> lastInboundAt(WorkspaceId workspace, ChatId chat) {
		return jdbc.sql("""
				SELECT sent_at FROM messages WHERE chat_id = :chat AND workspace_id = :workspace AND direction = 'inbound'
				ORDER BY sent_at DESC LIMIT 1
				""")
			.param("workspace", workspace.value())
			.param("chat", chat.value())
			.query((rs, n) -> SqlValues.instant(rs, "sent_at"))
			.optional();
	}

	/** The order statuses move in; a status only replaces a lower one, so a late "sent" never overwrites "read". */
	public static int rank(String status) {
		return switch (status) {
			case "sent" -> 1;
			case "delivered" -> 2;
			case "read" -> 3;
			case "failed" -> 4;
			default -> 0;
		};
	}

	/**
	 * Applies a status the channel reported for the message it knows by {@code externalId}, unless the message
	 * already has a later one; answers whether it changed.
	 */
	@Transactional
	public boolean applyStatus(WorkspaceId workspace, String externalId, String status, Instant at, Integer errorCode,
			String error) {
		Optional<ChatId> chat = jdbc.sql("""
				UPDATE messages SET status = :status, status_rank = :rank, status_at = :at,
				    error_code = CASE WHEN :status = 'failed' THEN CAST(:code AS integer) ELSE error_code END,
				    error = CASE WHEN :status = 'failed' THEN CAST(:error AS text) ELSE error END
				WHERE workspace_id = :workspace AND external_id = :external AND direction = 'outbound'
				  AND status_rank < :rank AND NOT (status = 'read' AND :status = 'failed')
				RETURNING chat_id
				""")
			.param("workspace", workspace.value())
			.param("external", externalId)
			.param("status", status)
			.param("rank", rank(status))
			.param("at", SqlValues.timestamp(at))
			.param("code", errorCode)
			.param("error", error)
			.query((rs, n) -> new ChatId(rs.getString("chat_id")))
			.optional();
		chat.ifPresent(c -> publisher.publishEvent(new ChatActivity(workspace, c)));
		return chat.isPresent();
	}

	private static final String SELECT = """
			SELECT id, chat_id, direction, external_id, type, body, sent_at, status, status_at, error_code, error,
			       author_type, author_id, author_name FROM messages
			""";

	static Message map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
		int code = rs.getInt("error_code");
		Integer errorCode = rs.wasNull() ? null : code;
		String authorType = rs.getString("author_type");
		return new Message(rs.getString("id"), new ChatId(rs.getString("chat_id")), rs.getString("direction"),
				rs.getString("external_id"), rs.getString("type"), rs.getString("body"), SqlValues.instant(rs, "sent_at"),
				rs.getString("status"), SqlValues.instant(rs, "status_at"), errorCode, rs.getString("error"),
				authorType == null ? null : new Author(authorType, rs.getString("author_id"), rs.getString("author_name")));
	}

	/** The chat's messages, newest first, a page at a time. */
	public io.handoff.platform.Page<Message> list(WorkspaceId workspace, ChatId chat,
			io.handoff.platform.PageRequest page) {
		List<Message> rows = io.handoff.platform.ListQuery.select(SELECT.strip())
			.where("workspace_id = :workspace AND chat_id = :chat",
					Map.of("workspace", workspace.value(), "chat", chat.value()))
			.newestFirst("id", page)
			.on(jdbc)
			.query(MessageService::map)
			.list();
		return io.handoff.platform.Page.of(rows, page.limit(), Message::id);
	}

	/** The chat's messages in the order they were sent, newest last; at most {@code limit} of the latest. */
	public List<Message> latest(WorkspaceId workspace, ChatId chat, int limit) {
		return jdbc.sql("SELECT * FROM (" + SELECT + """
				    WHERE workspace_id = :workspace AND chat_id = :chat ORDER BY sent_at DESC, id DESC LIMIT :limit) m
				ORDER BY sent_at, id
				""")
			.param("workspace", workspace.value())
			.param("chat", chat.value())
			.param("limit", limit)
			.query(MessageService::map)
			.list();
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}
}
