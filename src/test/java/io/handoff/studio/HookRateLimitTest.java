package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class HookRateLimitTest {

	final AtomicLong now = new AtomicLong();

	final BotId bot = BotId.next();

	@Test
	void takesTheBurstThenTheRateAndSaysHowLongToWait() {
		HookRateLimit limit = new HookRateLimit(2, 3, now::get);
		for (int i = 0; i < 3; i++) {
			assertThat(limit.take(bot)).isZero();
		}
		// Empty: at 2 per second the next token is half a second away.
		assertThat(limit.take(bot)).isEqualTo(Duration.ofMillis(500));
		now.addAndGet(Duration.ofMillis(500).toNanos());
		assertThat(limit.take(bot)).isZero();
		assertThat(limit.take(bot)).isPositive();
		// A long pause refills to the burst, no more.
		now.addAndGet(Duration.ofMinutes(1).toNanos());
		for (int i = 0; i < 3; i++) {
			assertThat(limit.take(bot)).isZero();
		}
		assertThat(limit.take(bot)).isPositive();
	}

	@Test
	void eachBotHasItsOwnBucketAndZeroMeansNoLimit() {
		HookRateLimit limit = new HookRateLimit(1, 1, now::get);
		assertThat(limit.take(bot)).isZero();
		assertThat(limit.take(bot)).isPositive();
		assertThat(limit.take(BotId.next())).isZero();

		HookRateLimit unlimited = new HookRateLimit(0, 1, now::get);
		for (int i = 0; i < 1000; i++) {
			assertThat(unlimited.take(bot)).isZero();
		}
	}
}
