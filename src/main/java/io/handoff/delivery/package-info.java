/**
 * Delivery: fan-out of events to endpoints, the PostgreSQL delivery queue, dispatchers, retries, ordering, the attempt
 * log, resend and recovery, retention and endpoint health.
 */
package io.handoff.delivery;
