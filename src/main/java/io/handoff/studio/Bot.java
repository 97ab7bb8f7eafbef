package io.handoff.studio;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

import io.handoff.inbox.BusinessNumberId;

/**
 * A bot as the API shows it.
 *
 * @param trigger what starts a run
 * @param variables the mapping from a run's input to named values
 * @param steps the flow, run in order
 * @param sample the id of the captured request the mapping was made from, if any
 */
public record Bot(BotId id, String name, Status status, Trigger trigger, List<Variable> variables, List<Step> steps,
		String sample, Instant createdAt, Instant updatedAt) {

	public enum Status {
		@JsonProperty("draft") DRAFT, @JsonProperty("active") ACTIVE, @JsonProperty("paused") PAUSED
	}

	/**
	 * @param hookUrl for On Webhook: the bot's own URL, which accepts POST, PUT and GET
	 * @param auth for On Webhook: how a request proves it comes from the expected sender
	 * @param businessNumberIds for On Incoming Message: the numbers whose messages start a run
	 */
	public record Trigger(TriggerType type, String hookUrl, HookAuth auth, List<BusinessNumberId> businessNumberIds) {
	}

	public enum TriggerType {
		@JsonProperty("webhook") WEBHOOK, @JsonProperty("incoming_message") INCOMING_MESSAGE
	}

	/**
	 * @param type {@code none}, {@code standard_webhooks} (a {@code webhook-signature} made with a {@code whsec_}
	 *        secret, e.g. a Handoff webhook's own) or {@code header} (a header that must carry a shared secret)
	 * @param headerName for {@code header}: which header
	 */
	public record HookAuth(AuthType type, String headerName) {
	}

	public enum AuthType {
		@JsonProperty("none") NONE, @JsonProperty("standard_webhooks") STANDARD_WEBHOOKS, @JsonProperty("header") HEADER
	}
}
