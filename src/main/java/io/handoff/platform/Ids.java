package io.handoff.platform;

import java.security.SecureRandom;

/**
 * Prefixed, time-ordered identifiers such as {@code chat_01JZ8Q4W3T6X9M2K7B5N0R1C8D}.
 * <p>
 * The part after the prefix is a ULID: 48 bits of milliseconds then 80 random bits, in Crockford's base32. Ordering
 * by id is ordering by creation time (to the millisecond), so lists page with the last id as their cursor and one
 * index serves both.
 */
public final class Ids {

	private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	public static String next(String prefix) {
		byte[] random = new byte[10];
		RANDOM.nextBytes(random);
		long high = 0;
		long low = 0;
		for (int i = 0; i < 5; i++) {
			high = (high << 8) | (random[i] & 0xFF);
			low = (low << 8) | (random[i + 5] & 0xFF);
		}
		char[] out = new char[26];
		encode(System.currentTimeMillis(), 10, out, 0);
		encode(high, 8, out, 10);
		encode(low, 8, out, 18);
		return prefix + "_" + new String(out);
	}

	/**
	 * The smallest id with this prefix created at {@code time} or later: ids are ordered by their time prefix, so
	 * {@code id >= first(p, t)} keeps exactly the ids made at or after {@code t}, and an index on the id serves it.
	 */
	public static String first(String prefix, java.time.Instant time) {
		char[] out = new char[26];
		java.util.Arrays.fill(out, '0');
		encode(Math.max(0, Math.min(time.toEpochMilli(), (1L << 48) - 1)), 10, out, 0);
		return prefix + "_" + new String(out);
	}

	private static void encode(long value, int chars, char[] out, int offset) {
		for (int i = chars - 1; i >= 0; i--) {
			out[offset + i] = ALPHABET[(int) (value & 31)];
			value >>>= 5;
		}
	}
}
