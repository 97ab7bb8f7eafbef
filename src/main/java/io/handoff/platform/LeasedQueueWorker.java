package io.handoff.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * Works a queue kept in PostgreSQL that any number of nodes share without a coordinator: claims due jobs under a
 * lease ({@code SKIP LOCKED}), runs each on its own virtual thread, keeps the leases of what it holds alive with a
 * heartbeat, and puts back what a dead node held once its lease runs out. A {@code LISTEN} on the queue's channel
 * wakes it the moment a transaction that queued work commits; otherwise it sleeps until the next job is due, at most
 * the poll interval.
 * <p>
 * Leases are short and renewed while work is under way, so a dead node's jobs move again within a lease plus a
 * check interval, and a live node's jobs are never taken over however long they take.
 *
 * @param <J> a claimed job
 */
public final class LeasedQueueWorker<J> {

	/** What a queue gives the worker: its SQL and what to do with one job. */
	public interface Queue<J> {

		/** Claims up to {@code room} due jobs for this node, held until {@code leaseUntil}. */
		List<J> claim(int room, Instant now, Instant leaseUntil);

		/** Does one claimed job, to its end or until this node loses it. */
		void process(J job) throws InterruptedException;

		/** Extends every lease this node holds to {@code until}. */
		void renewLeases(Instant until);

		/** Puts back jobs whose lease ran out; answers how many. */
		int releaseExpired(Instant now);

		/** When the next job falls due, if the queue can tell cheaply. */
		default Optional<Instant> nextDue() {
			return Optional.empty();
		}

		/** Gives back every lease this node holds, so that another node takes those jobs at once; answers how many. */
		default int releaseHeld() {
			return 0;
		}
	}

	/**
	 * @param name names the worker's threads and log lines, e.g. {@code dispatch}
	 * @param channel the {@code NOTIFY} channel that says work was queued
	 * @param capacity jobs in progress at once on this node
	 * @param lease how long a claim holds without a heartbeat
	 * @param pollInterval the longest the worker sleeps without a notification
	 * @param leaseCheckInterval how often leases are renewed and expired ones released
	 */
	public record Settings(String name, String channel, int capacity, Duration lease, Duration pollInterval,
			Duration leaseCheckInterval) {
	}

	private static final Logger log = LoggerFactory.getLogger(LeasedQueueWorker.class);

	private final Queue<J> queue;
	private final Settings settings;
	private final Notifications notifications;
	private final Clock clock;
	private final AtomicInteger inFlight = new AtomicInteger();
	private final ReentrantLock lock = new ReentrantLock();
	private final Condition wake = lock.newCondition();
	private boolean woken;
	/** How long jobs under way may take to finish when the node stops, before they are interrupted and given back. */
	public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

	private volatile boolean running;

	/** When the claiming loop and the heartbeat last came round ({@link System#nanoTime()}), for health checks. */
	private volatile long loopAt = System.nanoTime();

	private volatile long heartbeatAt = System.nanoTime();

	/** Whether the last claim or heartbeat failed: the first failure is logged, the rest until recovery are not. */
	private volatile boolean failing;
	private ExecutorService jobs;
	private ScheduledExecutorService leases;
	private Thread loop;

	public LeasedQueueWorker(Queue<J> queue, Settings settings, Notifications notifications, Clock clock) {
		this.queue = queue;
		this.settings = settings;
		this.notifications = notifications;
		this.clock = clock;
	}

	public void start() {
		running = true;
		notifications.listen(settings.channel(), payload -> wakeUp());
		jobs = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("handoff-" + settings.name() + "-", 0).factory());
		leases = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("handoff-" + settings.name() + "-leases").daemon().factory());
		leases.scheduleWithFixedDelay(this::tendLeases, 0, settings.leaseCheckInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		loop = Thread.ofPlatform().name("handoff-" + settings.name()).daemon().start(this::run);
	}

	/**
	 * Stops claiming, lets jobs under way finish for up to {@code grace}, and stops renewing: whatever is left is
	 * taken over by another node when its lease runs out.
	 */
	public void stop(Duration grace) {
		running = false;
		wakeUp();
		if (loop == null) {
			return;
		}
		try {
			loop.join(Duration.ofSeconds(2));
			jobs.shutdown();
			if (!jobs.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				// What did not finish in time is interrupted and given back: another node takes it now rather
				// than when the lease runs out. A receiver may see such a send twice (it has the same webhook-id).
				jobs.shutdownNow();
				jobs.awaitTermination(1, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		finally {
			leases.shutdownNow();
			try {
				int released = queue.releaseHeld();
				if (released > 0) {
					log.info("Gave back {} {} jobs on the way out", released, settings.name());
				}
			}
			catch (RuntimeException e) {
				log.warn("Could not give back {} jobs on the way out; they move when their lease runs out ({})",
						settings.name(), e.getMessage());
			}
		}
	}

	/** {@link #stop(Duration)} on a thread of its own, then {@code done}: workers stop side by side, not in turn. */
	public void stopInBackground(Duration grace, Runnable done) {
		Thread.ofPlatform().name("handoff-" + settings.name() + "-stop").start(() -> {
			try {
				stop(grace);
			}
			finally {
				done.run();
			}
		});
	}

	/**
	 * Up while the worker runs and both its claiming loop and its heartbeat came round recently; the database being
	 * away shows in the database's own check, not here.
	 */
	public Health health() {
		long now = System.nanoTime();
		Duration sinceLoop = Duration.ofNanos(now - loopAt);
		Duration sinceHeartbeat = Duration.ofNanos(now - heartbeatAt);
		Health.Builder health = running && loop != null && loop.isAlive() && sinceLoop.compareTo(stallLimit()) < 0
				&& sinceHeartbeat.compareTo(stallLimit()) < 0 ? Health.up() : Health.down();
		return health.withDetail("running", running)
			.withDetail("inFlight", inFlight.get())
			.withDetail("capacity", settings.capacity())
			.withDetail("lastLoopSecondsAgo", sinceLoop.toSeconds())
			.withDetail("lastHeartbeatSecondsAgo", sinceHeartbeat.toSeconds())
			.build();
	}

	private Duration stallLimit() {
		Duration longest = settings.pollInterval().compareTo(settings.leaseCheckInterval()) > 0 ? settings.pollInterval()
				: settings.leaseCheckInterval();
		return longest.multipliedBy(3).plusSeconds(30);
	}

	public boolean isRunning() {
		return running;
	}

	/** Jobs in progress on this node now. */
	public int inFlight() {
		return inFlight.get();
	}

	/** Makes the worker look for due jobs now, rather than at its next wake-up. */
	public void wakeUp() {
		lock.lock();
		try {
			woken = true;
			wake.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Claims and does every due job in the calling thread, until none is left; answers how many were done. For tests
	 * and tools that run with the background loop stopped.
	 */
	public int drainDue() throws InterruptedException {
		int done = 0;
		while (true) {
			Instant now = Timestamps.now(clock);
			List<J> claimed = queue.claim(settings.capacity(), now, now.plus(settings.lease()));
			if (claimed.isEmpty()) {
				return done;
			}
			for (J job : claimed) {
				queue.process(job);
				done++;
			}
		}
	}

	private void run() {
		while (running) {
			loopAt = System.nanoTime();
			try {
				int claimed = dispatchDue();
				recovered();
				if (claimed == 0) {
					sleepUntilDue();
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException e) {
				failed("Claiming " + settings.name() + " jobs", e);
				sleep(settings.pollInterval());
			}
		}
	}

	/** Logs the first of a run of failures (the database restarting fails every try for a while), not each one. */
	private void failed(String what, RuntimeException e) {
		if (!failing) {
			failing = true;
			if (DatabaseAway.is(e)) {
				log.warn("{} failed: the database cannot be reached; trying again every {} s", what,
						settings.pollInterval().toSeconds());
			}
			else {
				log.warn("{} failed; trying again shortly", what, e);
			}
		}
		else {
			log.debug("{} failed again", what, e);
		}
	}

	private void recovered() {
		if (failing) {
			failing = false;
			log.info("The {} worker is working again", settings.name());
		}
	}

	/** Claims what is due and starts it; answers how many were claimed. */
	private int dispatchDue() {
		int room = settings.capacity() - inFlight.get();
		if (room <= 0) {
			return 0;
		}
		Instant now = Timestamps.now(clock);
		List<J> claimed = queue.claim(room, now, now.plus(settings.lease()));
		for (J job : claimed) {
			inFlight.incrementAndGet();
			jobs.execute(() -> {
				try {
					queue.process(job);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				catch (RuntimeException e) {
					if (DatabaseAway.is(e)) {
						log.warn("A {} job could not reach the database; it is taken up again when its lease runs out",
								settings.name());
					}
					else {
						log.error("A {} job failed unexpectedly; it is taken up again when its lease runs out",
								settings.name(), e);
					}
				}
				finally {
					// Claim again when a full node has room, and when half its room is free: claims then come in batches
					// rather than one row per finished job.
					int before = inFlight.getAndDecrement();
					if (before == settings.capacity() || before == settings.capacity() / 2 + 1) {
						wakeUp();
					}
				}
			});
		}
		return claimed.size();
	}

	private void sleepUntilDue() throws InterruptedException {
		Instant now = Timestamps.now(clock);
		Duration wait = queue.nextDue()
			.map(due -> Duration.between(now, due))
			.filter(until -> until.compareTo(settings.pollInterval()) < 0)
			.orElse(settings.pollInterval());
		if (wait.isNegative() || wait.isZero()) {
			// Something is due but could not be claimed (held back by ordering or saturation): do not spin.
			wait = Duration.ofMillis(Math.min(50, settings.pollInterval().toMillis()));
		}
		lock.lock();
		try {
			long nanos = wait.toNanos();
			while (!woken && nanos > 0 && running) {
				nanos = wake.awaitNanos(nanos);
			}
			woken = false;
		}
		finally {
			lock.unlock();
		}
	}

	/** The heartbeat: renews what this node holds, then releases what dead nodes held. */
	private void tendLeases() {
		heartbeatAt = System.nanoTime();
		try {
			Instant now = Timestamps.now(clock);
			if (inFlight.get() > 0) {
				queue.renewLeases(now.plus(settings.lease()));
			}
			int released = queue.releaseExpired(now);
			if (released > 0) {
				log.info("Released {} {} jobs whose lease ran out", released, settings.name());
				wakeUp();
			}
		}
		catch (RuntimeException e) {
			failed("Tending " + settings.name() + " leases", e);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
