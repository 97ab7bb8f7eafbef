package io.handoff.inbox;

import java.time.Instant;

/**
 * Someone who writes to a business number.
 *
 * @param phone E.164 with {@code +}
 * @param waId the WhatsApp id: the phone number's digits without {@code +}
 */
public record Customer(CustomerId id, String name, String phone, String waId, Instant createdAt) {
}
