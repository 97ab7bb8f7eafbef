package io.handoff.inbox;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A conversation between a customer and a business number; at most one is open per pair.
 *
 * @param assigneeId the member who owns the chat now, or null
 * @param sequence the number of assignment changes so far; every event of the chat carries it
 */
public record Chat(ChatId id, BusinessNumberId businessNumberId, CustomerId customerId, Status status,
		MemberId assigneeId, long sequence, Instant createdAt, Instant updatedAt, Instant closedAt) {

	public enum Status {
		@JsonProperty("open") OPEN, @JsonProperty("closed") CLOSED;

		String dbValue() {
			return name().toLowerCase();
		}
	}
}
