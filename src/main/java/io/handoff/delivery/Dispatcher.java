package io.handoff.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.handoff.platform.NodeId;
import io.handoff.platform.Notifications;
import io.handoff.platform.Timestamps;

/**
 * Takes due deliveries from the queue and sends each on its own virtual thread. Any number of nodes run one each on
 * the same database without a coordinator: claims skip rows other nodes hold, leases that run out are taken over.
 * A {@code LISTEN} connection wakes the loop the moment a transaction that created deliveries commits; otherwise it
 * sleeps until the next delivery is due (at most the poll interval).
 */
@Component
class Dispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

	private final Deliveries deliveries;
	private final DeliveryWorker worker;
	private final Retention retention;
	private final DeliveryMetrics metrics;
	private final DeliveryProperties properties;
	private final Notifications notifications;
	private final Clock clock;
	private final String node;

	private final Map<String, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();
	private final AtomicInteger inFlight = new AtomicInteger();
	private final ReentrantLock lock = new ReentrantLock();
	private final Condition wake = lock.newCondition();
	private boolean woken;
	private volatile boolean running;
	private ExecutorService senders;
	private ScheduledExecutorService housekeeping;
	private Thread loop;

	Dispatcher(Deliveries deliveries, DeliveryWorker worker, Retention retention, DeliveryMetrics metrics,
			DeliveryProperties properties, Notifications notifications, Clock clock, NodeId node) {
		this.deliveries = deliveries;
		this.worker = worker;
		this.retention = retention;
		this.metrics = metrics;
		this.properties = properties;
		this.notifications = notifications;
		this.clock = clock;
		this.node = node.value();
	}

	@Override
	public void start() {
		if (!properties.enabled()) {
			log.info("Delivery dispatcher disabled on this node");
			return;
		}
		running = true;
		notifications.listen(Deliveries.CHANNEL, payload -> wakeUp());
		senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("handoff-send-", 0).factory());
		housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("handoff-housekeeping").daemon().factory());
		housekeeping.scheduleWithFixedDelay(() -> quietly("release expired leases", this::releaseExpiredLeases), 0,
				properties.leaseCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
		housekeeping.scheduleWithFixedDelay(() -> quietly("retention", retention::run),
				properties.retentionInterval().toMillis(), properties.retentionInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		housekeeping.scheduleWithFixedDelay(
				() -> quietly("queue metrics", () -> {
					Instant now = Timestamps.now(clock);
					metrics.backlog(deliveries.backlog(now), now);
				}),
				1, 10, TimeUnit.SECONDS);
		loop = Thread.ofPlatform().name("handoff-dispatch").daemon().start(this::run);
		log.info("Delivery dispatcher started as node {}", node);
	}

	@Override
	public void stop() {
		running = false;
		wakeUp();
		if (loop == null) {
			return;
		}
		housekeeping.shutdownNow();
		try {
			loop.join(Duration.ofSeconds(5));
			senders.shutdown();
			// Sends under way finish and are recorded; anything left is picked up again when its lease runs out.
			senders.awaitTermination(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Makes the loop look for due deliveries now, rather than at its next wake-up. */
	void wakeUp() {
		lock.lock();
		try {
			woken = true;
			wake.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	private void run() {
		while (running) {
			try {
				if (dispatchDue() == 0) {
					sleepUntilDue();
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException e) {
				log.warn("Dispatching failed; trying again shortly", e);
				sleep(properties.pollInterval());
			}
		}
	}

	/** Claims what is due and starts sending it; answers how many were claimed. */
	int dispatchDue() {
		int room = properties.maxInFlight() - inFlight.get();
		if (room <= 0) {
			return 0;
		}
		Map<String, Integer> busy = new java.util.HashMap<>();
		inFlightByEndpoint.forEach((endpoint, count) -> {
			if (count.get() > 0) {
				busy.put(endpoint, count.get());
			}
		});
		Instant now = Timestamps.now(clock);
		List<Deliveries.Claimed> claimed = deliveries.claim(node, now, now.plus(properties.lease()),
				Math.min(room, properties.batchSize()), properties.perEndpointConcurrency(), busy);
		for (Deliveries.Claimed delivery : claimed) {
			AtomicInteger endpointCount = inFlightByEndpoint.computeIfAbsent(delivery.endpointId(), k -> new AtomicInteger());
			endpointCount.incrementAndGet();
			inFlight.incrementAndGet();
			senders.execute(() -> {
				try {
					worker.process(delivery);
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				catch (RuntimeException e) {
					log.error("Delivery {} failed unexpectedly; its lease will expire and it will be retried",
							delivery.id(), e);
				}
				finally {
					// Claim again once an endpoint that was held back has half its slots free (or the node has room):
					// claims then come in batches rather than one row per finished request.
					int half = Math.max(1, properties.perEndpointConcurrency() / 2);
					boolean endpointFreed = endpointCount.getAndDecrement() == half + 1
							|| properties.perEndpointConcurrency() == 1;
					boolean nodeFreed = inFlight.getAndDecrement() == properties.maxInFlight() / 2 + 1;
					if (endpointFreed || nodeFreed) {
						wakeUp();
					}
				}
			});
		}
		return claimed.size();
	}

	private void sleepUntilDue() throws InterruptedException {
		Instant now = Timestamps.now(clock);
		Duration wait = deliveries.nextDue()
			.map(due -> Duration.between(now, due))
			.filter(until -> until.compareTo(properties.pollInterval()) < 0)
			.orElse(properties.pollInterval());
		if (wait.isNegative() || wait.isZero()) {
			// Something is due but could not be claimed (held back by ordering or saturation): do not spin.
			wait = Duration.ofMillis(Math.min(50, properties.pollInterval().toMillis()));
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

	private void releaseExpiredLeases() {
		int released = deliveries.releaseExpiredLeases(Timestamps.now(clock));
		if (released > 0) {
			log.info("Released {} deliveries whose lease expired", released);
			wakeUp();
		}
	}

	private static void quietly(String what, Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException e) {
			log.warn("Housekeeping ({}) failed", what, e);
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
