package io.handoff.delivery;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.handoff.platform.Timestamps;

/**
 * Removes attempts, finished deliveries and events older than {@code handoff.delivery.retention}. A month wholly past
 * the cutoff goes at once, its partitions dropped (see {@link HistoryPartitions}); the rest of what is due, in the
 * month the cutoff falls in, is deleted a small batch per statement, each in its own short transaction, so the tables
 * stay bounded without long locks. It runs on a thread of its own (see {@code Dispatcher}) and keeps the partitions
 * of the coming months made; nodes running it at once share the work, each batch skipping the rows another node is
 * deleting.
 */
@Component
class Retention {

	private static final Logger log = LoggerFactory.getLogger(Retention.class);

	private final Deliveries deliveries;
	private final HistoryPartitions partitions;
	private final DeliveryProperties properties;
	private final Clock clock;

	Retention(Deliveries deliveries, HistoryPartitions partitions, DeliveryProperties properties, Clock clock) {
		this.deliveries = deliveries;
		this.partitions = partitions;
		this.properties = properties;
		this.clock = clock;
	}

	/** Makes the partitions of this month and the next ones, where they are missing. */
	void prepare() {
		partitions.makeAhead(Timestamps.now(clock));
	}

	/**
	 * Runs once through everything that is due for deletion; answers how many rows went one by one (a dropped month
	 * is not counted).
	 */
	long run() {
		Instant now = Timestamps.now(clock);
		partitions.makeAhead(now);
		Instant cutoff = now.minus(properties.retention());
		partitions.dropBefore(cutoff);
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
