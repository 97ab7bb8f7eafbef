package io.handoff.inbox;

import io.handoff.platform.WorkspaceId;

/** A customer's message was stored for the first time; published inside the transaction that stored it. */
public record MessageReceived(WorkspaceId workspaceId, MessageService.Message message, Chat chat, Customer customer,
		BusinessNumber number) {
}
