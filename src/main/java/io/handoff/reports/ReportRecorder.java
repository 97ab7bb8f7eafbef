package io.handoff.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

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

	/** Slots in a UTC day. */
	static final int SLOTS = 96;

	private final JdbcClient jdbc;

	ReportRecorder(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatAssignmentChanged change) {
		WorkspaceId workspace = change.workspaceId();
		String number = change.business().id().value();
		boolean away = change.reassigned() && !change.previousAssignee().id().equals(change.assignee().id());
		if (change.assignee() != null && away) {
			// Two chats reassigned the other way round at once (A to B, B to A) each held one member's day and waited
			// for the other's: a deadlock, and a 500 for one of them. Both days are taken first, in one order.
			lockDays(workspace, change.occurredAt(), number,
					java.util.stream.Stream.of(change.assignee().id().value(), change.previousAssignee().id().value())
						.sorted().toList());
		}
		if (change.assignee() != null) {
			String column = switch (change.source()) {
				case MANUAL -> "assigned_manual";
				case BOT_WORKFLOW -> "assigned_bot_workflow";
				case AI_BOT -> "assigned_ai_bot";
				case API -> "assigned_api";
			};
			count(workspace, change.occurredAt(), number, change.assignee().id().value(), column);
			Instant opened = chat(workspace, change.chatId());
			boolean first = jdbc.sql("""
					UPDATE report_chats SET first_assigned_at = :at WHERE chat_id = :chat AND first_assigned_at IS NULL
					""").param("chat", change.chatId().value()).param("at", SqlValues.timestamp(change.occurredAt())).update() == 1;
			if (first) {
				Instant from = firstCustomerMessage(change.chatId()).orElse(opened);
				duration(workspace, change.occurredAt(), "first_assignment", number, change.assignee().id().value(),
						change.chatId(), from);
			}
		}
		if (away) {
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

	/** Makes the members' rows of the day where missing and locks them, in the order given. */
	private void lockDays(WorkspaceId workspace, Instant at, String number, List<String> members) {
		LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
		for (String member : members) {
			makeDay(workspace, day, number, member);
			jdbc.sql("""
					SELECT 1 FROM report_days
					WHERE workspace_id = :workspace AND day = :day AND business_number_id = :number AND member_id = :member
					FOR UPDATE
					""")
				.param("workspace", workspace.value())
				.param("day", day)
				.param("number", number)
				.param("member", member)
				.query(Integer.class)
				.list();
		}
	}

	/** The member's row of the day, made where missing. */
	private void makeDay(WorkspaceId workspace, LocalDate day, String number, String member) {
		jdbc.sql("""
				INSERT INTO report_days (workspace_id, day, business_number_id, member_id)
				VALUES (:workspace, :day, :number, :member) ON CONFLICT DO NOTHING
				""")
			.param("workspace", workspace.value())
			.param("day", day)
			.param("number", number)
			.param("member", member)
			.update();
	}

	/** Adds one to a counter of the member's day, in its total and in its 15-minute slot. */
	private void count(WorkspaceId workspace, Instant at, String number, String member, String column) {
		LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
		int slot = 1 + (int) (Duration.between(day.atStartOfDay(ZoneOffset.UTC).toInstant(), at).getSeconds() / SLOT_SECONDS);
		makeDay(workspace, day, number, member);
		// The slot arrays hold running totals: every element from the slot on moves up by one.
		boolean assignment = column.startsWith("assigned_");
		jdbc.sql("""
				UPDATE report_days SET %1$s = %1$s + 1, %1$s_slots = %2$s %3$s
				WHERE workspace_id = :workspace AND day = :day AND business_number_id = :number AND member_id = :member
				""".formatted(column, increment(column + "_slots"),
					assignment ? ", assigned_slots = " + increment("assigned_slots") : ""))
			.param("workspace", workspace.value())
			.param("day", day)
			.param("number", number)
			.param("member", member)
			.param("slot", slot)
			.update();
	}

	private static String increment(String array) {
		return "(SELECT array_agg(CASE WHEN i >= :slot THEN v + 1 ELSE v END ORDER BY i) FROM unnest(" + array
				+ ") WITH ORDINALITY AS u(v, i))";
	}

	private void duration(WorkspaceId workspace, Instant at, String metric, String number, String member, ChatId chat,
			Instant from) {
		Duration elapsed = Duration.between(from, at);
		// Exact to the nanosecond, rounded once to a double, as PostgreSQL's epoch arithmetic does in the backfill.
		double seconds = Math.max(0, java.math.BigDecimal.valueOf(elapsed.getSeconds())
			.add(java.math.BigDecimal.valueOf(elapsed.getNano(), 9)).doubleValue());
		// The value goes to the period-edge index and to its UTC day's array, which whole days are read from.
		jdbc.sql("""
				WITH one AS (
				    INSERT INTO report_durations (workspace_id, at, metric, business_number_id, member_id, chat_id, seconds)
				    VALUES (:workspace, :at, :metric, :number, :member, :chat, :seconds))
				INSERT INTO report_duration_days (workspace_id, metric, member_id, day, business_number_id, seconds)
				VALUES (:workspace, :metric, :member, :day, :number, ARRAY[CAST(:seconds AS double precision)])
				ON CONFLICT (workspace_id, metric, member_id, day, business_number_id)
				DO UPDATE SET seconds = report_duration_days.seconds || EXCLUDED.seconds
				""")
			.param("workspace", workspace.value())
			.param("at", SqlValues.timestamp(at))
			.param("day", LocalDate.ofInstant(at, ZoneOffset.UTC))
			.param("metric", metric)
			.param("number", number)
			.param("member", member)
			.param("chat", chat.value())
			.param("seconds", seconds)
			.update();
	}
}
