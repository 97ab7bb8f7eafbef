package io.handoff.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

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
				                   created_at, updated_at)
				VALUES (:id, :workspace, :number, :customer, 'open', NULL, 0, :createdAt, :createdAt)
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
		return jdbc.sql("""
				SELECT * FROM chats
				WHERE workspace_id = :workspace
				  AND (CAST(:after AS text) IS NULL OR id < :after)
				  AND (CAST(:number AS text) IS NULL OR business_number_id = :number)
				  AND (CAST(:customer AS text) IS NULL OR customer_id = :customer)
				  AND (CAST(:status AS text) IS NULL OR status = :status)
				  AND (CAST(:assignee AS text) IS NULL OR assignee_id = :assignee)
				  AND (NOT :unassigned OR assignee_id IS NULL)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("workspace", workspace.value())
			.param("after", page.after())
			.param("number", filter.businessNumberId() == null ? null : filter.businessNumberId().value())
			.param("customer", filter.customerId() == null ? null : filter.customerId().value())
			.param("status", filter.status() == null ? null : filter.status().dbValue())
			.param("assignee", filter.assigneeId() == null ? null : filter.assigneeId().value())
			.param("unassigned", filter.unassigned())
			.param("limit", page.fetchSize())
			.query(Chats::map)
			.list();
	}

	/** Sets the assignee and moves the sequence on by one; the caller holds the row's lock. */
	long changeAssignee(ChatId id, MemberId assignee, Instant at) {
		return jdbc.sql("""
				UPDATE chats SET assignee_id = :assignee, sequence = sequence + 1, updated_at = :at
				WHERE id = :id RETURNING sequence
				""")
			.param("id", id.value())
			.param("assignee", assignee == null ? null : assignee.value())
			.param("at", SqlValues.timestamp(at))
			.query(Long.class)
			.single();
	}

	void changeStatus(ChatId id, Chat.Status status, Instant at) {
		jdbc.sql("""
				UPDATE chats SET status = :status, updated_at = :at,
				    closed_at = CASE WHEN :status = 'closed' THEN CAST(:at AS timestamptz) END
				WHERE id = :id
				""")
			.param("id", id.value())
			.param("status", status.dbValue())
			.param("at", SqlValues.timestamp(at))
			.update();
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
