package io.handoff.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes items of one kind in shared transactions: whatever has arrived while the last batch was being committed goes
 * into the next one. Under load this turns hundreds of commits (each a disk flush, each a few round trips) into a few;
 * when idle an item is written at once, with no added wait. A caller of {@link #write} returns once its item is
 * committed, so nothing is acknowledged before it is durable. If a batch fails, its items are written one by one, so
 * that one bad item fails alone. {@code afterCommit} runs after each committed batch (wake-ups, notifications).
 *
 * @param <T> the items
 */
public final class GroupCommit<T> {

	private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

	private final String name;
	private final int maxBatch;
	private final TransactionTemplate transactions;
	private final Consumer<List<T>> writeAll;
	private final Consumer<List<T>> afterCommit;
	private final BlockingQueue<Pending<T>> queue = new LinkedBlockingQueue<>();
	private volatile boolean running;
	private Thread writer;

	public GroupCommit(String name, int maxBatch, TransactionTemplate transactions, Consumer<List<T>> writeAll) {
		this(name, maxBatch, transactions, writeAll, batch -> {
		});
	}

	public GroupCommit(String name, int maxBatch, TransactionTemplate transactions, Consumer<List<T>> writeAll,
			Consumer<List<T>> afterCommit) {
		this.name = name;
		this.maxBatch = maxBatch;
		this.transactions = transactions;
		this.writeAll = writeAll;
		this.afterCommit = afterCommit;
	}

	/**
	 * Writes {@code item} with whatever else is ready and returns once it is committed; throws what writing it threw
	 * (a batch's failure is retried item by item, so this is the item's own failure).
	 */
	public void write(T item) {
		Pending<T> pending = new Pending<>(item, new CompletableFuture<>());
		queue.add(pending);
		if (!running && queue.remove(pending)) {
			// Not started, or stopped and the writer may be gone: written in the caller's thread instead.
			write(List.of(pending));
		}
		try {
			pending.done().join();
		}
		catch (CompletionException e) {
			if (e.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw e;
		}
	}

	private void run() {
		List<Pending<T>> batch = new ArrayList<>();
		while (running || !queue.isEmpty()) {
			try {
				Pending<T> first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				queue.drainTo(batch, maxBatch - 1);
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

	private void write(List<Pending<T>> batch) {
		List<T> items = batch.stream().map(Pending::item).toList();
		try {
			transactions.executeWithoutResult(status -> writeAll.accept(items));
		}
		catch (RuntimeException e) {
			if (batch.size() == 1) {
				batch.getFirst().done().completeExceptionally(e);
				return;
			}
			log.debug("A batch of {} {} failed; writing them one by one", batch.size(), name, e);
			for (Pending<T> pending : batch) {
				write(List.of(pending));
			}
			return;
		}
		try {
			afterCommit.accept(items);
		}
		catch (RuntimeException e) {
			log.warn("After committing {} {}: {}", batch.size(), name, e.toString());
		}
		batch.forEach(p -> p.done().complete(null));
	}

	/** Starts the writer thread. */
	public void start() {
		running = true;
		writer = Thread.ofPlatform().name("handoff-" + name).daemon().start(this::run);
	}

	/** Writes what is queued, then stops; later writes happen in their caller's thread. */
	public void stop(Duration limit) {
		running = false;
		if (writer == null) {
			return;
		}
		try {
			writer.join(limit);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	public boolean isRunning() {
		return running;
	}

	private record Pending<T>(T item, CompletableFuture<Void> done) {
	}
}
