package io.handoff.reports;

import java.time.Duration;
import java.time.Instant;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatAssignmentChanged;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatStatusChanged;
import io.handoff.inbox.ReplyQueued;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/**
 * Keeps the report tables up to date in the transaction of each change: an assignment counts for the member it went
 * to (by source) and, when it took the chat from someone else, as reassigned away from them; a resolve counts for
 * the assignee then; a chat's first assignment, a member's first reply and each resolve add a measured duration.
 * What the event log says and what a report adds up are the same facts, written together.
 */
@Component
class ReportRecorder {

	/** The slot length: every time zone's offset is a whole number of them. */
	static final long SLOT_SECONDS = 900;

	private final JdbcClient jdbc;

	ReportRecorder(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	static Instant slot(Instant at) {
		long seconds = at.getEpochSecond();
		return Instant.ofEpochSecond(seconds - Math.floorMod(seconds, SLOT_SECONDS));
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatAssignmentChanged change) {
		WorkspaceId workspace = change.workspaceId();
		String number = change.business().id().value();
		if (change.assignee() != null) {
			String column = switch (change.source()) {
				case MANUAL -> "assigned_manual";
				case BOT_WORKFLOW -> "assigned_bot_workflow";
				case AI_BOT -> "assigned_ai_bot";
				case API -> "assigned_api";
			};
			count(workspace, change.occurredAt(), number, change.assignee().id().value(), column);
			Instant firstMessage = chat(workspace, change.chatId());
			boolean first = jdbc.sql("""
					UPDATE report_chats SET first_assigned_at = :at WHERE chat_id = :chat AND first_assigned_at IS NULL
					""").param("chat", change.chatId().value()).param("at", SqlValues.timestamp(change.occurredAt())).update() == 1;
			if (first) {
				Instant from = firstCustomerMessage(change.chatId()).orElse(firstMessage);
				duration(workspace, change.occurredAt(), "first_assignment", number, change.assignee().id().value(),
						change.chatId(), from);
			}
		}
		if (change.reassigned() && !change.previousAssignee().id().equals(change.assignee().id())) {
			count(workspace, change.occurredAt(), number, change.previousAssignee().id().value(), "reassigned_away");
		}
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatStatusChanged change) {
		WorkspaceId workspace = change.workspaceId();
		Instant opened = chat(workspace, change.chatId());
		if (change.status() == Chat.Status.OPEN) {
			jdbc.sql("UPDATE report_chats SET opened_at = :at WHERE chat_id = :chat")
				.param("chat", change.chatId().value())
				.param("at", SqlValues.timestamp(change.occurredAt()))
				.update();
			return;
		}
		String member = change.assignee() == null ? "" : change.assignee().id().value();
		String number = change.business().id().value();
		count(workspace, change.occurredAt(), number, member, "resolved");
		duration(workspace, change.occurredAt(), "resolution", number, member, change.chatId(), opened);
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ReplyQueued reply) {
		if (!"member".equals(reply.author().type())) {
			return;
		}
		chat(reply.workspaceId(), reply.chatId());
		boolean first = jdbc.sql("""
				UPDATE report_chats SET first_response_at = :at WHERE chat_id = :chat AND first_response_at IS NULL
				""").param("chat", reply.chatId().value()).param("at", SqlValues.timestamp(reply.at())).update() == 1;
		if (!first) {
			return;
		}
		firstCustomerMessage(reply.chatId()).ifPresent(from -> {
			String number = jdbc.sql("SELECT business_number_id FROM chats WHERE id = :chat")
				.param("chat", reply.chatId().value()).query(String.class).single();
			duration(reply.workspaceId(), reply.at(), "first_response", number, reply.author().id(), reply.chatId(), from);
		});
	}

	/** The chat's row of report_chats, made on first use; answers when the chat was (re)opened. */
	private Instant chat(WorkspaceId workspace, ChatId chat) {
		return jdbc.sql("""
				WITH made AS (
				    INSERT INTO report_chats (chat_id, workspace_id, opened_at)
				    SELECT id, workspace_id, created_at FROM chats WHERE id = :chat AND workspace_id = :workspace
				    ON CONFLICT (chat_id) DO NOTHING RETURNING opened_at)
				SELECT opened_at FROM made UNION ALL SELECT opened_at FROM report_chats WHERE chat_id = :chat LIMIT 1
				""")
			.param("chat", chat.value())
			.param("workspace", workspace.value())
			.query((rs, n) -> SqlValues.instant(rs, "opened_at"))
			.single();
	}

	private java.util.Optional<Instant> firstCustomerMessage(ChatId chat) {
		return jdbc.sql("""
				SELECT sent_at FROM messages WHERE chat_id = :chat AND direction = 'inbound' ORDER BY sent_at LIMIT 1
				""")
			.param("chat", chat.value())
			.query((rs, n) -> SqlValues.instant(rs, "sent_at"))
			.optional();
	}

	private void count(WorkspaceId workspace, Instant at, String number, String member, String column) {
		jdbc.sql("""
				INSERT INTO report_counts (workspace_id, slot, business_number_id, member_id, %1$s)
				VALUES (:workspace, :slot, :number, :member, 1)
				ON CONFLICT (workspace_id, slot, business_number_id, member_id)
				DO UPDATE SET %1$s = report_counts.%1$s + 1
				""".formatted(column))
			.param("workspace", workspace.value())
			.param("slot", SqlValues.timestamp(slot(at)))
			.param("number", number)
			.param("member", member)
			.update();
	}

	private void duration(WorkspaceId workspace, Instant at, String metric, String number, String member, ChatId chat,
			Instant from) {
		double seconds = Math.max(0, Duration.between(from, at).toMillis() / 1000.0);
		jdbc.sql("""
				INSERT INTO report_durations (workspace_id, at, metric, business_number_id, member_id, chat_id, seconds)
				VALUES (:workspace, :at, :metric, :number, :member, :chat, :seconds)
				""")
			.param("workspace", workspace.value())
			.param("at", SqlValues.timestamp(at))
			.param("metric", metric)
			.param("number", number)
			.param("member", member)
			.param("chat", chat.value())
			.param("seconds", seconds)
			.update();
	}
}
