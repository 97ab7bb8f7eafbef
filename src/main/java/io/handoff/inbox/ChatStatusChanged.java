package io.handoff.inbox;

import java.time.Instant;

import io.handoff.platform.WorkspaceId;

/**
 * A chat was resolved (closed) or reopened. Published inside the transaction of the change, with what its event
 * needs as it stood then; the chat's {@code sequence} moved on by one, so its events keep one order per chat.
 *
 * @param assignee who holds the chat, if anyone
 * @param message a sentence for people, such as "Priya Shah resolved the chat"
 */
public record ChatStatusChanged(WorkspaceId workspaceId, ChatId chatId, long sequence, Chat.Status status,
		ChatAssignmentChanged.CustomerSnapshot customer, ChatAssignmentChanged.BusinessSnapshot business,
		ChatAssignmentChanged.AgentSnapshot assignee, Actor actor, Instant occurredAt, String message) {
}
