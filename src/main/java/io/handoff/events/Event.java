package io.handoff.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A recorded event.
 *
 * @param chatId the chat it concerns, if any
 * @param sequence the chat's sequence at the event, if it concerns a chat
 * @param businessNumberId the business number it concerns, if any; endpoints subscribe by number
 * @param test whether it is an example sent from Settings → Webhooks rather than something that happened
 * @param payload the exact JSON body receivers get
 */
public record Event(EventId id, EventType type, String chatId, Long sequence, String businessNumberId,
		Instant occurredAt, boolean test, @JsonRawValue String payload) {
}
