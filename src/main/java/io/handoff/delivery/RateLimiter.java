package io.handoff.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-endpoint request rates on this node: each endpoint's requests are spaced at least {@code 1/rate} apart. A
 * request that must wait sleeps on its own virtual thread, so other endpoints are not held up.
 */
final class RateLimiter {

	private final Map<String, Slot> slots = new ConcurrentHashMap<>();

	void acquire(String endpointId, Integer perSecond) throws InterruptedException {
		if (perSecond == null) {
			return;
		}
		long wait = slots.computeIfAbsent(endpointId, k -> new Slot()).reserve(TimeUnit.SECONDS.toNanos(1) / perSecond);
		if (wait > 0) {
			TimeUnit.NANOSECONDS.sleep(wait);
		}
	}

	private static final class Slot {

		private long next = System.nanoTime();

		/** Reserves the next free moment and answers how long until it comes. */
		synchronized long reserve(long spacing) {
			long now = System.nanoTime();
			long at = Math.max(now, next);
			next = at + spacing;
			return at - now;
		}
	}
}
