package io.handoff.delivery;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One event on its way to one endpoint, as the delivery log shows it.
 *
 * @param attempts how many tries so far
 * @param nextAttemptAt when the next try is due, while pending
 * @param lastOutcome the outcome class of the last try, such as {@code success}, {@code http_error}, {@code timeout}
 * @param attemptLog the tries, oldest first; only when one delivery is asked for
 */
public record Delivery(DeliveryId id, String endpointId, String eventId, String eventType, String chatId,
		Long sequence, Status status, int attempts, Instant nextAttemptAt, String lastOutcome, Integer lastStatus,
		boolean test, Instant createdAt, Instant completedAt, List<Attempt> attemptLog) {

	public enum Status {
		@JsonProperty("pending") PENDING, @JsonProperty("in_flight") IN_FLIGHT, @JsonProperty("succeeded") SUCCEEDED,
		@JsonProperty("failed") FAILED;

		String dbValue() {
			return name().toLowerCase();
		}
	}

	/**
	 * One try, as sent and as answered. Credentials in request headers are redacted; the response body is cut to the
	 * configured excerpt size.
	 *
	 * @param trigger {@code scheduled}, {@code manual} (resend, recover) or {@code test}
	 * @param node the Handoff node that sent it
	 */
	public record Attempt(String id, int attempt, String trigger, String outcome, Integer status,
			@JsonRawValue String requestHeaders, String requestBody, @JsonRawValue String responseHeaders,
			String responseBody, String error, int durationMs, String node, Instant startedAt) {
	}
}
