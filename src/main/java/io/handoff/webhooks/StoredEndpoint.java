package io.handoff.webhooks;

import java.time.Instant;
import java.util.List;

import io.handoff.inbox.BusinessNumberId;
import io.handoff.platform.WorkspaceId;

/** A row of webhook_endpoints, secrets still sealed. */
record StoredEndpoint(EndpointId id, WorkspaceId workspaceId, String name, String url, boolean allBusinessNumbers,
		List<BusinessNumberId> businessNumberIds, List<String> eventTypes, String headersEnc,
		Endpoint.AuthType authType, String authUsername, String authSecretEnc, Endpoint.BodyFormat bodyFormat,
		Endpoint.Ordering ordering, Integer rateLimitPerSecond, boolean retryOnTimeout, List<String> retrySchedule,
		boolean enabled, String disabledReason, Instant disabledAt, Instant failingSince, String secretEnc,
		String previousSecretEnc, Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt) {
}
