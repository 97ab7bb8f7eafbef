package io.handoff.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The events table: append-only. */
@Repository
class Events {

	private final JdbcClient jdbc;

	Events(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, Event event) {
		jdbc.sql("""
				INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at,
				                    test)
				VALUES (:id, :workspace, :type, :chat, :sequence, :number, :payload, :occurredAt, :test)
				""")
			.param("test", event.test())
			.param("id", event.id().value())
			.param("workspace", workspace.value())
			.param("type", event.type().wire())
			.param("chat", event.chatId())
			.param("sequence", event.sequence())
			.param("number", event.businessNumberId())
			.param("payload", event.payload())
			.param("occurredAt", SqlValues.timestamp(event.occurredAt()))
			.update();
	}

	Optional<Event> find(WorkspaceId workspace, EventId id) {
		return jdbc.sql("SELECT * FROM events WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Events::map)
			.optional();
	}

	/**
	 * Newest first, in the order they were recorded.
	 *
	 * @param visibleChats when not null, only events of these chats
	 */
	List<Event> list(WorkspaceId workspace, EventType type, String chatId, List<String> visibleChats, PageRequest page) {
		return listQuery(workspace, type, chatId, visibleChats, page).on(jdbc).query(Events::map).list();
	}

	/** The statement for the filters given: by chat ({@code events_chat}), by type ({@code events_type}) or all. */
	static ListQuery listQuery(WorkspaceId workspace, EventType type, String chatId, List<String> visibleChats,
			PageRequest page) {
		return ListQuery.select("SELECT * FROM events")
			.where("workspace_id = :workspace AND NOT test", Map.of("workspace", workspace.value()))
			.and("type = :type", "type", type == null ? null : type.wire())
			.and("chat_id = :chat", "chat", chatId)
			.and("chat_id = ANY (:visible)", "visible", visibleChats == null ? null : visibleChats.toArray(String[]::new))
			.and("position < (SELECT position FROM events WHERE workspace_id = :workspace AND id = :after)", "after",
					page.after())
			.orderBy("position DESC", page.fetchSize());
	}

	private static Event map(ResultSet rs, int row) throws SQLException {
		return new Event(new EventId(rs.getString("id")), EventType.fromWire(rs.getString("type")).orElseThrow(),
				rs.getString("chat_id"), rs.getObject("sequence", Long.class), rs.getString("business_number_id"),
				SqlValues.instant(rs, "occurred_at"), rs.getBoolean("test"), rs.getString("payload"));
	}
}
