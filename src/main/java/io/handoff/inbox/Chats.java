package io.handoff.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The chats table. */
@Repository
class Chats {

	private final JdbcClient jdbc;

	Chats(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, Chat chat) {
		jdbc.sql("""
				INSERT INTO chats (id, workspace_id, business_number_id, customer_id, status, assignee_id, sequence,
				                   created_at, updated_at, last_activity_at)
				VALUES (:id, :workspace, :number, :customer, 'open', NULL, 0, :createdAt, :createdAt, :createdAt)
				""")
			.param("id", chat.id().value())
			.param("workspace", workspace.value())
			.param("number", chat.businessNumberId().value())
			.param("customer", chat.customerId().value())
			.param("createdAt", SqlValues.timestamp(chat.createdAt()))
			.update();
	}

	Optional<Chat> find(WorkspaceId workspace, ChatId id) {
		return jdbc.sql("SELECT * FROM chats WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Chats::map)
			.optional();
	}

	/** Locks the chat's row until the transaction ends, so that changes to one chat happen one after another. */
	Optional<Chat> lock(WorkspaceId workspace, ChatId id) {
		return jdbc.sql("SELECT * FROM chats WHERE workspace_id = :workspace AND id = :id FOR UPDATE")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Chats::map)
			.optional();
	}

	Optional<Chat> findOpen(WorkspaceId workspace, BusinessNumberId number, CustomerId customer) {
		return jdbc.sql("""
				SELECT * FROM chats WHERE workspace_id = :workspace AND business_number_id = :number
				AND customer_id = :customer AND status = 'open'
				""")
			.param("workspace", workspace.value())
			.param("number", number.value())
			.param("customer", customer.value())
			.query(Chats::map)
			.optional();
	}

	List<Chat> list(WorkspaceId workspace, ChatFilter filter, PageRequest page) {
		return listQuery(workspace, filter, page).on(jdbc).query(Chats::map).list();
	}

	/** The statement for the filters given; a customer's chats and an assignee's are read from their own indexes. */
	static ListQuery listQuery(WorkspaceId workspace, ChatFilter filter, PageRequest page) {
		return ListQuery.select("SELECT * FROM chats")
			.where("workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.and("business_number_id = :number", "number",
					filter.businessNumberId() == null ? null : filter.businessNumberId().value())
			.and("customer_id = :customer", "customer", filter.customerId() == null ? null : filter.customerId().value())
			.andEquals("status", filter.status(), Chat.Status::dbValue)
			.and("assignee_id = :assignee", "assignee", filter.assigneeId() == null ? null : filter.assigneeId().value())
			.andIf(filter.unassigned(), "assignee_id IS NULL")
			.newestFirst("id", page);
	}

	/** The member has seen the chat up to {@code at}: its unread count starts again from there. */
	void read(ChatId chat, MemberId member, Instant at) {
		jdbc.sql("""
				INSERT INTO chat_reads (chat_id, member_id, last_read_at) VALUES (:chat, :member, :at)
				ON CONFLICT (chat_id, member_id) DO UPDATE SET last_read_at = greatest(chat_reads.last_read_at, EXCLUDED.last_read_at)
				""")
			.param("chat", chat.value())
			.param("member", member.value())
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	/** A message in the chat is activity: the chat moves up the inbox. */
	void touched(ChatId id, Instant at) {
		jdbc.sql("UPDATE chats SET last_activity_at = greatest(last_activity_at, :at) WHERE id = :id")
			.param("id", id.value())
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	/**
	 * The inbox: chats with their customer and last message, most recent activity first, paged by
	 * {@code (last_activity_at, id)} from the {@code chats_activity} index. {@code search} matches the customer's
	 * name (any part, any case) or phone (its digits).
	 */
	List<InboxEntry> inbox(WorkspaceId workspace, ChatFilter filter, String search, InboxEntry.Cursor after,
			int fetchSize, MemberId reader) {
		String text = search == null || search.isBlank() ? null : search.strip();
		String digits = text == null ? "" : text.replaceAll("\\D", "");
		return inboxQuery(workspace, filter, text, digits, after, fetchSize, reader).on(jdbc)
			.query((rs, n) -> new InboxEntry(map(rs, n), rs.getString("customer_name"), rs.getString("customer_phone"),
					SqlValues.instant(rs, "last_activity_at"), rs.getString("last_direction"), rs.getString("last_type"),
					rs.getString("last_body"), SqlValues.instant(rs, "last_sent_at"), rs.getInt("unread")))
			.list();
	}

	static ListQuery inboxQuery(WorkspaceId workspace, ChatFilter filter, String text, String digits,
			InboxEntry.Cursor after, int fetchSize, MemberId reader) {
		String unread = reader == null ? "SELECT 0 AS unread" : """
				SELECT count(*) AS unread FROM (
				    SELECT 1 FROM messages mi
				    WHERE mi.chat_id = c.id AND mi.direction = 'inbound'
				      AND mi.sent_at > coalesce((SELECT r.last_read_at FROM chat_reads r
				                                 WHERE r.chat_id = c.id AND r.member_id = :reader), '-infinity')
				    LIMIT 100) x""";
		ListQuery query = ListQuery.select("""
				SELECT c.*, cu.name AS customer_name, cu.phone AS customer_phone,
				       m.direction AS last_direction, m.type AS last_type, m.body AS last_body, m.sent_at AS last_sent_at,
				       u.unread
				FROM chats c
				JOIN customers cu ON cu.id = c.customer_id
				LEFT JOIN LATERAL (
				    SELECT direction, type, body, sent_at FROM messages
				    WHERE chat_id = c.id ORDER BY sent_at DESC, id DESC LIMIT 1) m ON true
				LEFT JOIN LATERAL (""" + unread + ") u ON true")
			.where("c.workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.and("c.business_number_id = :number", "number",
					filter.businessNumberId() == null ? null : filter.businessNumberId().value())
			.andEquals("c.status", filter.status(), Chat.Status::dbValue)
			.and("c.assignee_id = :assignee", "assignee", filter.assigneeId() == null ? null : filter.assigneeId().value())
			.andIf(filter.unassigned(), "c.assignee_id IS NULL");
		if (reader != null) {
			query.bind("reader", reader.value());
		}
		if (after != null) {
			query.where("(c.last_activity_at, c.id) < (:afterAt, :afterId)",
					Map.of("afterAt", SqlValues.timestamp(after.lastActivityAt()), "afterId", after.chatId()));
		}
		if (text != null) {
			String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
			if (digits.length() >= 3) {
				query.where("cu.name ILIKE :pattern ESCAPE '\\' OR cu.phone LIKE :digits",
						Map.of("pattern", pattern, "digits", "%" + digits + "%"));
			}
			else {
				query.where("cu.name ILIKE :pattern ESCAPE '\\'", Map.of("pattern", pattern));
			}
		}
		return query.orderBy("c.last_activity_at DESC, c.id DESC", fetchSize);
	}

	/** Sets the assignee and moves the sequence on by one; the caller holds the row's lock. */
	long changeAssignee(ChatId id, MemberId assignee, Instant at) {
		return jdbc.sql("""
				UPDATE chats SET assignee_id = :assignee, sequence = sequence + 1, updated_at = :at,
				    last_activity_at = greatest(last_activity_at, :at)
				WHERE id = :id RETURNING sequence
				""")
			.param("id", id.value())
			.param("assignee", assignee == null ? null : assignee.value())
			.param("at", SqlValues.timestamp(at))
			.query(Long.class)
			.single();
	}

	/** Sets the status and moves the sequence on by one; the caller holds the row's lock. */
	long changeStatus(ChatId id, Chat.Status status, Instant at) {
		return jdbc.sql("""
				UPDATE chats SET status = :status, sequence = sequence + 1, updated_at = :at,
				    last_activity_at = greatest(last_activity_at, :at),
				    closed_at = CASE WHEN :status = 'closed' THEN CAST(:at AS timestamptz) END
				WHERE id = :id RETURNING sequence
				""")
			.param("id", id.value())
			.param("status", status.dbValue())
			.param("at", SqlValues.timestamp(at))
			.query(Long.class)
			.single();
	}

	void delete(WorkspaceId workspace, ChatId id) {
		jdbc.sql("DELETE FROM chats WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update();
	}

	static Chat map(ResultSet rs, int row) throws SQLException {
		String assignee = rs.getString("assignee_id");
		return new Chat(new ChatId(rs.getString("id")), new BusinessNumberId(rs.getString("business_number_id")),
				new CustomerId(rs.getString("customer_id")), Chat.Status.valueOf(rs.getString("status").toUpperCase()),
				assignee == null ? null : new MemberId(assignee), rs.getLong("sequence"),
				SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at"),
				SqlValues.instant(rs, "closed_at"));
	}
}
