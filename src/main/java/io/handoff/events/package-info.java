/**
 * The event catalog and the event log: every assignment change recorded, frozen, in the Standard Webhooks envelope.
 */
package io.handoff.events;
