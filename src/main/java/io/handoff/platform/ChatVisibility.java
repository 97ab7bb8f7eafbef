package io.handoff.platform;

import java.util.List;

/**
 * Which chats a caller may see, answered by the inbox (which owns chats and roles), so that modules holding data
 * about chats (the event log) apply the same rule without depending on the inbox.
 */
public interface ChatVisibility {

	/** Whether the caller sees every chat of the workspace (anyone but a member with "assigned chats only"). */
	default boolean seesAll(Caller caller) {
		return !caller.assignedOnly();
	}

	/** The chats the caller may see when they do not see all: those assigned to them now. */
	List<String> visibleChatIds(Caller caller);
}
