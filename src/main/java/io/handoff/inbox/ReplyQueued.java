package io.handoff.inbox;

import java.time.Instant;

import io.handoff.platform.WorkspaceId;

/** The business replied in a chat (a member, the AI bot or an API key), published in the transaction that stored it. */
public record ReplyQueued(WorkspaceId workspaceId, ChatId chatId, MessageService.Author author, Instant at) {
}
