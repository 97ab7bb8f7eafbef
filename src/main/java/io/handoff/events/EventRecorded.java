package io.handoff.events;

import io.handoff.platform.WorkspaceId;

/**
 * An event was recorded; published in the transaction that recorded it, so that deliveries are created atomically
 * with it.
 */
public record EventRecorded(WorkspaceId workspaceId, Event event) {
}
