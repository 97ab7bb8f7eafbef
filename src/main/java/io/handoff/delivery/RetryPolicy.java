package io.handoff.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try again: a list of delays between attempts, each varied by a jitter so that failures do not come back in
 * lockstep, and a receiver's own {@code Retry-After} honoured up to a cap. Kept apart from the code that sends.
 *
 * @param delays delays after the first attempt, the second, and so on; their number is the number of retries
 */
record RetryPolicy(List<Duration> delays, double jitter, Duration retryAfterCap) {

	/** Attempts in all: the first and one per delay. */
	int maxAttempts() {
		return delays.size() + 1;
	}

	/**
	 * The wait before the next attempt, after {@code attemptsMade} attempts; empty when they are used up.
	 *
	 * @param retryAfter what the receiver asked for, if anything
	 */
	Optional<Duration> next(int attemptsMade, Duration retryAfter, RandomGenerator random) {
		if (attemptsMade >= maxAttempts()) {
			return Optional.empty();
		}
		if (retryAfter != null) {
			return Optional.of(retryAfter.compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter);
		}
		Duration base = delays.get(attemptsMade - 1);
		double factor = 1 + jitter * (2 * random.nextDouble() - 1);
		return Optional.of(Duration.ofMillis(Math.round(base.toMillis() * factor)));
	}
}
