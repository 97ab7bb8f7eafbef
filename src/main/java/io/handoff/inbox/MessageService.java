package io.handoff.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

	public record Message(String id, ChatId chatId, String direction, String externalId, String type, String body,
			Instant sentAt) {
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
		Message message = new Message(Ids.next("msg"), chat.id(), "inbound", inbound.externalId(), inbound.type(),
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
		return Optional.of(message);
	}

	/** Records a message the business sent in the chat (a bot's reply, for one). */
	@Transactional
	public Message recordOutbound(WorkspaceId workspace, ChatId chat, String body) {
		Instant now = Timestamps.now(clock);
		Message message = new Message(Ids.next("msg"), chat, "outbound", null, "text", body, now);
		jdbc.sql("""
				INSERT INTO messages (id, workspace_id, chat_id, direction, type, body, sent_at, created_at)
				VALUES (:id, :workspace, :chat, 'outbound', 'text', :body, :now, :now)
				""")
			.param("id", message.id())
			.param("workspace", workspace.value())
			.param("chat", chat.value())
			.param("body", body)
			.param("now", SqlValues.timestamp(now))
			.update();
		chatRows.touched(chat, now);
		return message;
	}

	/** The chat's messages in the order they were sent, newest last; at most {@code limit} of the latest. */
	public List<Message> latest(WorkspaceId workspace, ChatId chat, int limit) {
		return jdbc.sql("""
				SELECT * FROM (
				    SELECT id, chat_id, direction, external_id, type, body, sent_at FROM messages
				    WHERE workspace_id = :workspace AND chat_id = :chat ORDER BY sent_at DESC, id DESC LIMIT :limit) m
				ORDER BY sent_at, id
				""")
			.param("workspace", workspace.value())
			.param("chat", chat.value())
			.param("limit", limit)
			.query((rs, n) -> new Message(rs.getString("id"), new ChatId(rs.getString("chat_id")),
					rs.getString("direction"), rs.getString("external_id"), rs.getString("type"), rs.getString("body"),
					SqlValues.instant(rs, "sent_at")))
			.list();
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}
}
