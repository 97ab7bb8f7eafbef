package io.handoff.inbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Passwords long enough to pass the length rule that people choose most often ({@code passwords/common.txt}). */
final class CommonPasswords {

	private static final Set<String> COMMON = load();

	private CommonPasswords() {
	}

	/** Whether the password, ignoring case and spaces, is on the list. */
	static boolean contains(String password) {
		return COMMON.contains(password.replace(" ", "").toLowerCase(Locale.ROOT));
	}

	private static Set<String> load() {
		try (var in = CommonPasswords.class.getResourceAsStream("/passwords/common.txt")) {
			if (in == null) {
				throw new IllegalStateException("passwords/common.txt is missing from the build");
			}
			return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
				.map(String::strip)
				.filter(line -> !line.isEmpty() && !line.startsWith("#"))
				.collect(Collectors.toUnmodifiableSet());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
