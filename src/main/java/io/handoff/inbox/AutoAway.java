package io.handoff.inbox;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.handoff.platform.Timestamps;

/**
 * Auto-away ({@code handoff.inbox.auto-away-after}, off by default): an online member who has not used the console for
 * that long becomes busy, so that "online members only" routing stops giving them chats while they are gone. Members
 * who never used the console (they work through the API or a bot) are left alone. Every node sweeps; the sweep is one
 * idempotent statement.
 */
@Component
class AutoAway {

	private static final Logger log = LoggerFactory.getLogger(AutoAway.class);

	private final Members members;

	private final Clock clock;

	private final Duration after;

	private final ScheduledExecutorService sweeper;

	AutoAway(Members members, Clock clock, @Value("${handoff.inbox.auto-away-after:0s}") Duration after) {
		this.members = members;
		this.clock = clock;
		this.after = after;
		if (after.isZero() || after.isNegative()) {
			this.sweeper = null;
			return;
		}
		long every = Math.max(1, Math.min(after.toSeconds() / 4, 60));
		this.sweeper = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("handoff-auto-away").daemon().factory());
		sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.SECONDS);
	}

	/** Makes online members not seen for {@code unseenFor} busy; answers how many. */
	int sweep(Duration unseenFor) {
		int away = members.awayIfUnseenSince(Timestamps.now(clock).minus(unseenFor));
		if (away > 0) {
			log.info("{} member(s) not seen for {} min are now busy", away, unseenFor.toMinutes());
		}
		return away;
	}

	private void sweepQuietly() {
		try {
			sweep(after);
		}
		catch (RuntimeException e) {
			log.warn("Auto-away could not run: {}", e.getMessage());
		}
	}

	@PreDestroy
	void stop() {
		if (sweeper != null) {
			sweeper.shutdownNow();
		}
	}
}
