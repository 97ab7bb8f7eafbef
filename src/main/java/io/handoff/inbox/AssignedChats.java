package io.handoff.inbox;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.handoff.platform.Caller;
import io.handoff.platform.ChatVisibility;

/** The chats a member with "assigned chats only" sees: those assigned to them now. */
@Component
class AssignedChats implements ChatVisibility {

	private final JdbcClient jdbc;

	AssignedChats(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public List<String> visibleChatIds(Caller caller) {
		return jdbc.sql("SELECT id FROM chats WHERE workspace_id = :workspace AND assignee_id = :member")
			.param("workspace", caller.workspaceId().value())
			.param("member", caller.id())
			.query(String.class)
			.list();
	}
}
