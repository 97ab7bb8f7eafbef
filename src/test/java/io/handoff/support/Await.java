package io.handoff.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something the application does in the background, checking often, failing after a generous limit. */
public final class Await {

	private static final Duration LIMIT = Duration.ofSeconds(20);

	private Await() {
	}

	public static void until(String what, BooleanSupplier condition) {
		until(what, LIMIT, condition);
	}

	public static void until(String what, Duration limit, BooleanSupplier condition) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting until " + what);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new AssertionError(e);
			}
		}
	}

	public static <T> T value(String what, Supplier<T> supplier, java.util.function.Predicate<T> accept) {
		Object[] holder = new Object[1];
		until(what, () -> {
			T value = supplier.get();
			holder[0] = value;
			return accept.test(value);
		});
		@SuppressWarnings("unchecked")
		T value = (T) holder[0];
		return value;
	}
}
