package io.handoff.delivery;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.platform.GroupCommit;

/**
 * Writes the outcomes of tries in batches ({@link GroupCommit}): whatever has arrived while the last batch was being
 * committed goes into the next transaction. A sender waits until its try is committed, so nothing is acknowledged
 * before it is durable; a try that cannot be recorded leaves its lease to expire, and it is sent again.
 */
@Component
class Recorder implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Recorder.class);

	private final GroupCommit<DeliveryWorker.Sent> writes;
	private DeliveryWorker worker;

	Recorder(TransactionTemplate transactions) {
		this.writes = new GroupCommit<>("record", 500, transactions, sent -> worker.recordAll(sent));
	}

	void attach(DeliveryWorker worker) {
		this.worker = worker;
	}

	/** Queues a try for recording and waits until it is committed. */
	void record(DeliveryWorker.Sent sent) {
		try {
			writes.write(sent);
		}
		catch (RuntimeException e) {
			log.error("Could not record the try of delivery {}; its lease will expire and it will be sent again",
					sent.claimed().id(), e);
			throw e;
		}
	}

	@Override
	public void start() {
		writes.start();
	}

	@Override
	public void stop() {
		writes.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return writes.isRunning();
	}

	/** Starts before the dispatcher and stops after it, so that every try sent is recorded. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}
}
