package io.handoff.inbox;

/**
 * Which chats a list shows; null components do not filter.
 *
 * @param unassigned only chats without an assignee
 */
public record ChatFilter(BusinessNumberId businessNumberId, CustomerId customerId, Chat.Status status,
		MemberId assigneeId, boolean unassigned) {
}
