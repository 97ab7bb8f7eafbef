package io.handoff.platform;

import java.time.Instant;

/**
 * A workspace API key as it can be shown after creation: the key itself is never kept, only its hash and a hint.
 *
 * @param hint the key's first and last characters, so a user can tell keys apart
 * @param memberId the member the key acts for, with their role; null for a workspace key
 */
public record ApiKey(String id, String name, String hint, String memberId, Instant createdAt, Instant lastUsedAt,
		Instant revokedAt) {

	/** A key just created: the only moment its secret value exists outside the caller's hands. */
	public record Created(ApiKey apiKey, String key) {
	}
}
