package io.handoff.inbox;

import io.handoff.platform.WorkspaceId;

/**
 * Something changed in a chat that open pages show (a message sent, its status moved on), published in the
 * transaction that changed it.
 */
public record ChatActivity(WorkspaceId workspaceId, ChatId chatId) {
}
