package io.handoff.platform;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Timestamps in payloads: ISO 8601 in UTC with exactly three decimals, {@code 2026-03-14T10:15:30.123Z}. */
public final class Timestamps {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private Timestamps() {
	}

	/**
	 * Now, to the millisecond: what Handoff stores and shows, so that a value read back equals the one first
	 * returned (PostgreSQL keeps microseconds, the clock gives nanoseconds).
	 */
	public static Instant now(Clock clock) {
		return clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	public static String format(Instant instant) {
		return instant == null ? null : FORMAT.format(instant);
	}
}
