package io.handoff.inbox;

import java.time.Instant;

import io.handoff.platform.WorkspaceId;

/**
 * A chat got an assignee, a different one, or lost its assignee. Published inside the transaction of the change, with
 * everything an event payload needs as it stood at that moment, so later renames do not rewrite history.
 *
 * @param assignee the new assignee; null when the chat was unassigned
 * @param previousAssignee the assignee before; null when there was none
 * @param botId the bot that made the change, for bot workflow and AI bot sources
 * @param message a sentence for people, such as "Priya Shah reassigned the chat to John Doe"
 */
public record ChatAssignmentChanged(WorkspaceId workspaceId, ChatId chatId, long sequence, CustomerSnapshot customer,
		BusinessSnapshot business, AgentSnapshot assignee, AgentSnapshot previousAssignee, AssignmentSource source,
		Actor actor, String botId, Instant occurredAt, String message) {

	public boolean unassigned() {
		return assignee == null;
	}

	/** True when the chat had another assignee before and has a new one now. */
	public boolean reassigned() {
		return assignee != null && previousAssignee != null;
	}

	public record CustomerSnapshot(CustomerId id, String name, String phone, String waId) {
	}

	public record BusinessSnapshot(BusinessNumberId id, String number, String name, String wabaId,
			String phoneNumberId) {
	}

	/**
	 * @param orgRole the member's role in the workspace
	 * @param wabaRole the member's role on the chat's business number
	 */
	public record AgentSnapshot(MemberId id, String name, String phone, String email, String orgRole,
			String wabaRole) {
	}
}
