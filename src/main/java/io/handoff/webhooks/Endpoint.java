package io.handoff.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.handoff.inbox.BusinessNumberId;

/**
 * A webhook endpoint as shown to users. Credentials are never part of it: the signing secret is revealed on request
 * only, receivers' passwords and tokens not at all, and header values that look secret are masked.
 *
 * @param businessNumberIds the numbers whose events it receives; empty when {@code allBusinessNumbers}
 * @param eventTypes the event types it subscribes to, such as {@code chat.assigned}
 * @param rateLimitPerSecond the most requests per second it is sent; null for no limit
 * @param retrySchedule delays between attempts, such as {@code 5s}, {@code 5m}; null for the default schedule,
 *        empty for no retries
 * @param disabledReason why it is disabled, when it is
 * @param failingSince when its current run of failures began; null while it succeeds
 */
public record Endpoint(EndpointId id, String name, String url, boolean allBusinessNumbers,
		List<BusinessNumberId> businessNumberIds, List<String> eventTypes, Map<String, String> headers,
		AuthView auth, BodyFormat bodyFormat, Ordering ordering, Integer rateLimitPerSecond,
		boolean retryOnTimeout, List<String> retrySchedule, boolean enabled, String disabledReason,
		Instant disabledAt, Instant failingSince, Instant createdAt, Instant updatedAt) {

	/** How the receiver authenticates Handoff, without the secret part. */
	public record AuthView(AuthType type, String username) {
	}

	public enum AuthType {
		@JsonProperty("none") NONE, @JsonProperty("basic") BASIC, @JsonProperty("bearer") BEARER;

		String dbValue() {
			return name().toLowerCase();
		}
	}

	public enum BodyFormat {
		/** {@code application/json}: the event exactly as EVENTS.md shows it. */
		@JsonProperty("json") JSON,
		/** {@code application/x-www-form-urlencoded}, with nested fields as {@code data[customer][name]}. */
		@JsonProperty("form") FORM;

		String dbValue() {
			return name().toLowerCase();
		}
	}

	public enum Ordering {
		/** Events are sent as soon as they can be; retries may overtake. */
		@JsonProperty("none") NONE,
		/** Events of one chat are sent strictly in sequence order. */
		@JsonProperty("per_chat") PER_CHAT;

		String dbValue() {
			return name().toLowerCase();
		}
	}
}
