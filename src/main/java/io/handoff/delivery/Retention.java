package io.handoff.delivery;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.handoff.platform.Timestamps;

/**
 * Deletes attempts, finished deliveries and the payloads of events older than {@code handoff.delivery.retention}, a
 * small batch per statement, each in its own short transaction, so the tables stay bounded without long locks. It
 * runs on a thread of its own (see {@code Dispatcher}); nodes running it at once share the work, each batch skipping
 * the rows another node is deleting.
 */
@Component
class Retention {

	private static final Logger log = LoggerFactory.getLogger(Retention.class);

	private final Deliveries deliveries;
	private final DeliveryProperties properties;
	private final Clock clock;

	Retention(Deliveries deliveries, DeliveryProperties properties, Clock clock) {
		this.deliveries = deliveries;
		this.properties = properties;
		this.clock = clock;
	}

	/** Runs once through everything that is due for deletion; answers how many rows went. */
	long run() {
		Instant cutoff = Timestamps.now(clock).minus(properties.retention());
		long started = System.nanoTime();
		int batch = properties.retentionBatch();
		long deleted = 0;
		int n;
		while ((n = deliveries.deleteAttemptsBefore(cutoff, batch)) > 0) {
			deleted += n;
		}
		while ((n = deliveries.deleteFinishedBefore(cutoff, batch)) > 0) {
			deleted += n;
		}
		while ((n = deliveries.deleteEventsBefore(cutoff, batch)) > 0) {
			deleted += n;
		}
		if (deleted > 0) {
			log.info("Retention deleted {} rows older than {} in {} ms", deleted, cutoff,
					(System.nanoTime() - started) / 1_000_000);
		}
		return deleted;
	}
}
