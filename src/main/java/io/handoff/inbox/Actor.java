package io.handoff.inbox;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Who made an assignment change: the {@code assignment.actor} of the event.
 *
 * @param id the member's, bot's or API key's id; null for the system
 * @param name how the actor is shown in texts such as "Priya Shah reassigned the chat to John Doe"
 */
public record Actor(Type type, String id, String name) {

	public Actor {
		Objects.requireNonNull(type, "type");
	}

	public enum Type {
		@JsonProperty("user") USER, @JsonProperty("bot") BOT, @JsonProperty("ai_bot") AI_BOT,
		@JsonProperty("api_key") API_KEY, @JsonProperty("system") SYSTEM;

		public String wire() {
			return name().toLowerCase();
		}
	}

	public static Actor member(MemberId id, String name) {
		return new Actor(Type.USER, id.value(), name);
	}

	public static Actor bot(String botId, String name) {
		return new Actor(Type.BOT, botId, name);
	}

	public static Actor aiBot(String botId, String name) {
		return new Actor(Type.AI_BOT, botId, name);
	}

	public static Actor apiKey(String keyId, String name) {
		return new Actor(Type.API_KEY, keyId, name);
	}
}
