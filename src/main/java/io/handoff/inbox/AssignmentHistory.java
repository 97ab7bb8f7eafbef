package io.handoff.inbox;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.Ids;
import io.handoff.platform.ListQuery;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The assignment_history table: one row per assignment change, never updated. */
@Repository
class AssignmentHistory {

	private final JdbcClient jdbc;

	AssignmentHistory(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void append(ChatAssignmentChanged change) {
		jdbc.sql("""
				INSERT INTO assignment_history (id, workspace_id, chat_id, sequence, from_member_id, to_member_id,
				                                source, actor_type, actor_id, actor_name, bot_id, occurred_at)
				VALUES (:id, :workspace, :chat, :sequence, :from, :to, :source, :actorType, :actorId, :actorName,
				        :botId, :at)
				""")
			.param("id", Ids.next("asg"))
			.param("workspace", change.workspaceId().value())
			.param("chat", change.chatId().value())
			.param("sequence", change.sequence())
			.param("from", change.previousAssignee() == null ? null : change.previousAssignee().id().value())
			.param("to", change.assignee() == null ? null : change.assignee().id().value())
			.param("source", change.source().wire())
			.param("actorType", change.actor().type().wire())
			.param("actorId", change.actor().id())
			.param("actorName", change.actor().name())
			.param("botId", change.botId())
			.param("at", SqlValues.timestamp(change.occurredAt()))
			.update();
	}

	/** Newest first; the cursor is a sequence number, since one chat's changes are ordered by it. */
	List<AssignmentChange> list(WorkspaceId workspace, ChatId chat, Long beforeSequence, int fetchSize) {
		return listQuery(workspace, chat, beforeSequence, fetchSize).on(jdbc)
			.query((rs, n) -> new AssignmentChange(rs.getString("id"), chat, rs.getLong("sequence"),
					party(rs.getString("from_member_id"), rs.getString("from_name")),
					party(rs.getString("to_member_id"), rs.getString("to_name")),
					AssignmentSource.valueOf(rs.getString("source").toUpperCase()),
					new Actor(Actor.Type.valueOf(rs.getString("actor_type").toUpperCase()), rs.getString("actor_id"),
							rs.getString("actor_name")),
					rs.getString("bot_id"), SqlValues.instant(rs, "occurred_at")))
			.list();
	}

	/**
	 * A chat's changes, newest first, from {@code assignment_history_chat} (chat, sequence) in each month's partition;
	 * the cursor's condition is there only when a cursor is given, so that a generic plan uses the index for it too.
	 */
	static ListQuery listQuery(WorkspaceId workspace, ChatId chat, Long beforeSequence, int fetchSize) {
		return ListQuery.select("""
				SELECT h.*, f.name AS from_name, t.name AS to_name
				FROM assignment_history h
				LEFT JOIN members f ON f.id = h.from_member_id
				LEFT JOIN members t ON t.id = h.to_member_id""")
			.where("h.workspace_id = :workspace AND h.chat_id = :chat",
					Map.of("workspace", workspace.value(), "chat", chat.value()))
			.and("h.sequence < :after", "after", beforeSequence)
			.orderBy("h.sequence DESC", fetchSize);
	}

	private static AssignmentChange.Party party(String id, String name) {
		return id == null ? null : new AssignmentChange.Party(new MemberId(id), name);
	}
}
