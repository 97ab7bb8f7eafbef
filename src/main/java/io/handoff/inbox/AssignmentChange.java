package io.handoff.inbox;

import java.time.Instant;

/**
 * One entry of a chat's assignment history.
 *
 * @param from the assignee before, or null
 * @param to the assignee after, or null for an unassignment
 */
public record AssignmentChange(String id, ChatId chatId, long sequence, Party from, Party to,
		AssignmentSource source, Actor actor, String botId, Instant occurredAt) {

	/** A member as named today; the event log keeps the name as it was. */
	public record Party(MemberId id, String name) {
	}
}
