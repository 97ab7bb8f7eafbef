package io.handoff.inbox;

import java.time.Instant;

/**
 * A WhatsApp Business number of the workspace.
 *
 * @param number E.164 with {@code +}
 * @param wabaId the WhatsApp Business Account id, when known
 * @param phoneNumberId the Cloud API's id of this number, when known
 */
public record BusinessNumber(BusinessNumberId id, String number, String displayName, String wabaId,
		String phoneNumberId, Instant createdAt) {
}
