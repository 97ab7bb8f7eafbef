package io.handoff.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing. After a few wrong passwords for one email, or many from one address, further tries wait
 * (30 s, doubling to at most 15 minutes) whatever the password, and the sign-in page says how long. Emails are
 * counted whether or not a member has them, so the answer never tells whether an email exists. Counts are kept by
 * this node and forgotten 15 minutes after the last failure.
 */
final class SignInThrottle {

	static final int FREE_PER_EMAIL = 5;
	static final int FREE_PER_ADDRESS = 20;
	private static final Duration FIRST_WAIT = Duration.ofSeconds(30);
	private static final Duration LONGEST_WAIT = Duration.ofMinutes(15);
	private static final Duration FORGET_AFTER = Duration.ofMinutes(15);
	private static final int MAX_TRACKED = 100_000;

	private final Map<String, Failures> byKey = new ConcurrentHashMap<>();
	private final Clock clock;

	SignInThrottle(Clock clock) {
		this.clock = clock;
	}

	private record Failures(int count, Instant last) {
	}

	/** How long sign-in must wait for this email and address; zero when it may go ahead. */
	Duration waitFor(String email, String address) {
		Instant now = clock.instant();
		Duration byEmail = wait(get("email:" + normal(email), now), FREE_PER_EMAIL, now);
		Duration byAddress = wait(get("addr:" + address, now), FREE_PER_ADDRESS, now);
		return byEmail.compareTo(byAddress) >= 0 ? byEmail : byAddress;
	}

	void failed(String email, String address) {
		Instant now = clock.instant();
		if (byKey.size() > MAX_TRACKED) {
			byKey.entrySet().removeIf(e -> e.getValue().last().isBefore(now.minus(FORGET_AFTER)));
		}
		for (String key : new String[] { "email:" + normal(email), "addr:" + address }) {
			byKey.merge(key, new Failures(1, now), (a, b) -> new Failures(a.count() + 1, now));
		}
	}

	void succeeded(String email, String address) {
		byKey.remove("email:" + normal(email));
		byKey.remove("addr:" + address);
	}

	private Failures get(String key, Instant now) {
		Failures failures = byKey.get(key);
		if (failures != null && failures.last().isBefore(now.minus(FORGET_AFTER))) {
			byKey.remove(key);
			return null;
		}
		return failures;
	}

	private static Duration wait(Failures failures, int free, Instant now) {
		if (failures == null || failures.count() < free) {
			return Duration.ZERO;
		}
		int over = Math.min(failures.count() - free, 10);
		Duration wait = FIRST_WAIT.multipliedBy(1L << over);
		if (wait.compareTo(LONGEST_WAIT) > 0) {
			wait = LONGEST_WAIT;
		}
		Duration left = Duration.between(now, failures.last().plus(wait));
		return left.isNegative() ? Duration.ZERO : left;
	}

	private static String normal(String email) {
		return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
	}

	/** Sign-in refused because of too many wrong passwords, before the password was even checked. */
	static final class Throttled extends org.springframework.security.core.AuthenticationException {

		private final Duration wait;

		Throttled(Duration wait) {
			super("Too many sign-in attempts");
			this.wait = wait;
		}

		Duration waitFor() {
			return wait;
		}
	}
}
