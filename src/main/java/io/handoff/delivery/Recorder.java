package io.handoff.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the outcomes of tries in batches: whatever has arrived while the last batch was being committed goes into
 * the next transaction. Under load this turns hundreds of commits (each a disk flush) into a few; when idle a try is
 * recorded at once. A sender waits until its try is committed, so nothing is acknowledged before it is durable.
 */
@Component
class Recorder implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Recorder.class);
	private static final int MAX_BATCH = 500;

	private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
	private final TransactionTemplate transactions;
	private DeliveryWorker worker;
	private volatile boolean running;
	private Thread writer;

	Recorder(TransactionTemplate transactions) {
		this.transactions = transactions;
	}

	void attach(DeliveryWorker worker) {
		this.worker = worker;
	}

	/** Queues a try for recording and waits until it is committed. */
	void record(DeliveryWorker.Sent sent) {
		Pending pending = new Pending(sent, new CompletableFuture<>());
		queue.add(pending);
		pending.done().join();
	}

	private void run() {
		List<Pending> batch = new ArrayList<>();
		while (running || !queue.isEmpty()) {
			try {
				Pending first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, MAX_BATCH - 1);
				write(batch);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				batch.clear();
			}
		}
	}

	private void write(List<Pending> batch) {
		try {
			transactions.executeWithoutResult(status -> worker.recordAll(batch.stream().map(Pending::sent).toList()));
			batch.forEach(p -> p.done().complete(null));
		}
		catch (RuntimeException e) {
			if (batch.size() == 1) {
				log.error("Could not record the try of delivery {}; its lease will expire and it will be sent again",
						batch.getFirst().sent().claimed().id(), e);
				batch.getFirst().done().completeExceptionally(e);
				return;
			}
			// One bad row must not cost the others: record them one by one.
			for (Pending pending : batch) {
				write(new ArrayList<>(List.of(pending)));
			}
		}
	}

	@Override
	public void start() {
		running = true;
		writer = Thread.ofPlatform().name("handoff-record").daemon().start(this::run);
	}

	@Override
	public void stop() {
		running = false;
		try {
			writer.join(java.time.Duration.ofSeconds(10));
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Starts before the dispatcher and stops after it, so that every try sent is recorded. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	private record Pending(DeliveryWorker.Sent sent, CompletableFuture<Void> done) {
	}
}
