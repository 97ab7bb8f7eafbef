package io.handoff.webhooks;

import io.handoff.platform.WorkspaceId;

/**
 * An endpoint was disabled, by a user or automatically. Published in the transaction that disabled it, so that what
 * was waiting for it is settled with it.
 */
public record EndpointDisabled(WorkspaceId workspaceId, EndpointId endpointId) {
}
