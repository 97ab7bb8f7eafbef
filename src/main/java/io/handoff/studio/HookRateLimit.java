package io.handoff.studio;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How many requests each bot's public URL takes, as a token bucket per bot: {@code hookBurst} at once, then
 * {@code hookRatePerSecond} sustained. A sender over the limit is answered 429 with {@code Retry-After} before
 * anything is checked or stored, so a flood to one URL costs neither the database nor the other bots. The count is
 * kept on each node; behind a load balancer the workspace-wide limit is the per-node one times the nodes.
 */
@Component
class HookRateLimit {

	private final double perSecond;

	private final double burst;

	private final LongSupplier nanoTime;

	private final Map<BotId, Bucket> buckets = new ConcurrentHashMap<>();

	@Autowired
	HookRateLimit(StudioProperties properties) {
		this(properties.hookRatePerSecond(), properties.hookBurst(), System::nanoTime);
	}

	HookRateLimit(double perSecond, int burst, LongSupplier nanoTime) {
		this.perSecond = perSecond;
		this.burst = Math.max(1, burst);
		this.nanoTime = nanoTime;
	}

	/** Takes one request's token, or says how long until one is there. A rate of 0 or less means no limit. */
	Duration take(BotId bot) {
		if (perSecond <= 0) {
			return Duration.ZERO;
		}
		return buckets.computeIfAbsent(bot, b -> new Bucket(burst, nanoTime.getAsLong())).take(nanoTime.getAsLong());
	}

	/** The limit in words, for the answer to a sender over it. */
	String describe() {
		return String.format(java.util.Locale.ROOT, "%.0f requests at once and %s per second", burst,
				perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond));
	}

	private final class Bucket {

		private double tokens;

		private long refilledAt;

		Bucket(double tokens, long now) {
			this.tokens = tokens;
			this.refilledAt = now;
		}

		synchronized Duration take(long now) {
			tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
			refilledAt = now;
			if (tokens >= 1) {
				tokens -= 1;
				return Duration.ZERO;
			}
			return Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
		}
	}
}
