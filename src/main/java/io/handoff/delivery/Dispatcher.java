package io.handoff.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.handoff.platform.LeasedQueueWorker;
import io.handoff.platform.NodeId;
import io.handoff.platform.Notifications;
import io.handoff.platform.Timestamps;
import io.handoff.webhooks.WebhookSender;

/**
 * Takes due deliveries from the queue and sends each on its own virtual thread, through the shared
 * {@link LeasedQueueWorker}. On top of it, this keeps each endpoint's requests in flight within its adaptive window
 * ({@link Windows}), and
 * claims again at once when an ordered chat's event is done, so the chat's next one goes without waiting for a poll.
 */
@Component
class Dispatcher implements SmartLifecycle, LeasedQueueWorker.Queue<Deliveries.Claimed> {

	private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

	private final Deliveries deliveries;
	private final DeliveryWorker worker;
	private final Retention retention;
	private final DeliveryMetrics metrics;
	private final DeliveryProperties properties;
	private final Clock clock;
	private final String node;
	private final LeasedQueueWorker<Deliveries.Claimed> queue;
	private final Map<String, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();
	/**
	 * The deliveries this node holds a lease on: claimed and not yet done. The heartbeat renews these and a stopping
	 * node gives them back, by id: the lease columns have no index (a claim must change no indexed column, V21).
	 */
	private final Set<DeliveryId> held = ConcurrentHashMap.newKeySet();
	private final Windows windows;
	private ScheduledExecutorService housekeeping;
	private ScheduledExecutorService retentionThread;

	Dispatcher(Deliveries deliveries, DeliveryWorker worker, Retention retention, DeliveryMetrics metrics,
			DeliveryProperties properties, Windows windows, Notifications notifications, Clock clock, NodeId node) {
		this.deliveries = deliveries;
		this.windows = windows;
		this.worker = worker;
		this.retention = retention;
		this.metrics = metrics;
		this.properties = properties;
		this.clock = clock;
		this.node = node.value();
		this.queue = new LeasedQueueWorker<>(this, new LeasedQueueWorker.Settings("dispatch", Deliveries.CHANNEL,
				properties.maxInFlight(), properties.lease(), properties.pollInterval(), properties.leaseCheckInterval()),
				notifications, clock);
	}

	@Override
	public void start() {
		if (!properties.enabled()) {
			log.info("Delivery dispatcher disabled on this node");
			return;
		}
		queue.start();
		housekeeping = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("handoff-housekeeping").daemon().factory());
		// Retention has a thread of its own: deleting a month of history takes minutes, and the queue's metrics (and
		// the leases, on the queue's own thread) must not wait for it.
		retentionThread = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("handoff-retention").daemon().factory());
		retentionThread.execute(() -> quietly("history partitions", retention::prepare));
		retentionThread.scheduleWithFixedDelay(() -> quietly("retention", retention::run),
				properties.retentionInterval().toMillis(), properties.retentionInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		housekeeping.scheduleWithFixedDelay(
				() -> quietly("queue metrics", () -> {
					Instant now = Timestamps.now(clock);
					metrics.backlog(metrics.timeBacklog(() -> deliveries.backlog(now)), now);
					metrics.windows(windows.all());
				}),
				1, 10, TimeUnit.SECONDS);
		log.info("Delivery dispatcher started as node {}", node);
	}

	@Override
	public void stop() {
		stopHousekeeping();
		// Sends under way finish and are recorded; what is left is given back for another node.
		queue.stop(LeasedQueueWorker.SHUTDOWN_GRACE);
	}

	/** Stops alongside the other workers rather than after them, so that a shutdown's bound holds. */
	@Override
	public void stop(Runnable callback) {
		stopHousekeeping();
		queue.stopInBackground(LeasedQueueWorker.SHUTDOWN_GRACE, callback);
	}

	private void stopHousekeeping() {
		if (housekeeping != null) {
			housekeeping.shutdownNow();
		}
		if (retentionThread != null) {
			retentionThread.shutdownNow();
		}
	}

	@Override
	public int releaseHeld() {
		int released = deliveries.releaseHeld(node, List.copyOf(held), Timestamps.now(clock));
		held.clear();
		return released;
	}

	/** For the readiness check: the worker runs and its loops come round. */
	org.springframework.boot.health.contributor.Health health() {
		return queue.health();
	}

	@Override
	public boolean isRunning() {
		return queue.isRunning();
	}

	/** Makes the dispatcher look for due deliveries now, rather than at its next wake-up. */
	void wakeUp() {
		queue.wakeUp();
	}

	/**
	 * Claims no more per endpoint than fill its window given what this node has in flight there. The claim gives every
	 * endpoint the initial window less its busy slots; an endpoint's in-flight requests count as busy, and a window
	 * wider than the initial one as that many slots fewer busy.
	 */
	@Override
	public List<Deliveries.Claimed> claim(int room, Instant now, Instant leaseUntil) {
		Map<String, Integer> busy = new HashMap<>();
		windows.all().forEach((endpoint, window) -> busy.put(endpoint, windows.initial() - window));
		inFlightByEndpoint.forEach((endpoint, count) -> busy.merge(endpoint, count.get(), Integer::sum));
		busy.values().removeIf(n -> n == 0);
		List<Deliveries.Claimed> claimed = deliveries.claim(node, now, leaseUntil,
				Math.min(room, properties.batchSize()), windows.initial(), busy);
		claimed.forEach(d -> {
			held.add(d.id());
			inFlightByEndpoint.computeIfAbsent(d.endpointId(), k -> new AtomicInteger()).incrementAndGet();
		});
		return claimed;
	}

	@Override
	public void process(Deliveries.Claimed delivery) throws InterruptedException {
		boolean interrupted = false;
		try {
			WebhookSender.Outcome outcome = worker.process(delivery);
			if (outcome != null) {
				windows.record(delivery.endpointId(), outcome);
			}
		}
		catch (InterruptedException e) {
			// Cut short by a stop: still held, and given back with the rest (releaseHeld).
			interrupted = true;
			throw e;
		}
		finally {
			if (!interrupted) {
				// Recorded, or (when recording failed) left to its lease, which is no longer renewed.
				held.remove(delivery.id());
			}
			AtomicInteger endpointCount = inFlightByEndpoint.get(delivery.endpointId());
			// Claim again once an endpoint that was held back has half its window free (claims then come in batches
			// rather than one row per finished request), and when an ordered chat's next event may go.
			int window = windows.of(delivery.endpointId());
			int half = Math.max(1, window / 2);
			boolean endpointFreed = endpointCount.getAndDecrement() == half + 1 || window == 1;
			boolean chatFreed = delivery.ordered() && delivery.chatId() != null;
			if (endpointFreed || chatFreed) {
				queue.wakeUp();
			}
		}
	}

	@Override
	public void renewLeases(Instant until) {
		List<DeliveryId> ids = List.copyOf(held);
		if (!ids.isEmpty()) {
			deliveries.renewLeases(node, ids, until);
		}
	}

	/** Nothing to release: a claim takes a delivery whose lease ran out where it stands in the queue. */
	@Override
	public int releaseExpired(Instant now) {
		return 0;
	}

	@Override
	public Optional<Instant> nextDue() {
		return deliveries.nextDue(Timestamps.now(clock));
	}

	private static void quietly(String what, Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException e) {
			log.warn("Housekeeping ({}) failed", what, e);
		}
	}
}
