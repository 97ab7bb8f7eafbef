package io.handoff.inbox;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What made an assignment change: the {@code assignment.source} of the event. */
public enum AssignmentSource {
	/** A person in the inbox. */
	@JsonProperty("manual") MANUAL,
	/** A Bot Studio workflow's Assign Agent step. */
	@JsonProperty("bot_workflow") BOT_WORKFLOW,
	/** The AI bot handing a chat to a person. */
	@JsonProperty("ai_bot") AI_BOT,
	/** A call to the REST API. */
	@JsonProperty("api") API;

	public String wire() {
		return name().toLowerCase();
	}
}
