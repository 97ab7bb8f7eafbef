package io.handoff.webhooks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.handoff.platform.HandoffException;

/** Rules for the custom headers an endpoint sends: what names and values are allowed, and which look secret. */
final class Headers {

	static final int MAX_HEADERS = 20;
	static final int MAX_NAME = 64;
	static final int MAX_VALUE = 1024;

	private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
	private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "content-encoding",
			"transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-authorization",
			"authorization", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature", "cookie");
	private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(key|token|secret|password|auth|signature|session).*");

	private Headers() {
	}

	/** Checks the headers as given, naming {@code headers.<Name>} in errors; keeps their order. */
	static Map<String, String> validate(Map<String, String> headers) {
		if (headers == null) {
			return Map.of();
		}
		if (headers.size() > MAX_HEADERS) {
			throw new HandoffException.InvalidInput("headers", "at most " + MAX_HEADERS + " headers");
		}
		Map<String, String> valid = new LinkedHashMap<>();
		headers.forEach((name, value) -> {
			String field = "headers." + name;
			if (name.length() > MAX_NAME || !TOKEN.matcher(name).matches()) {
				throw new HandoffException.InvalidInput(field, "is not a valid header name");
			}
			if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
				throw new HandoffException.InvalidInput(field,
						"is set by Handoff itself; use the authorization setting for credentials");
			}
			if (value == null) {
				throw new HandoffException.InvalidInput(field, "must have a value");
			}
			if (value.length() > MAX_VALUE) {
				throw new HandoffException.InvalidInput(field, "must be at most " + MAX_VALUE + " characters");
			}
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (c == '\r' || c == '\n' || c == 0 || (c < 0x20 && c != '\t') || c == 0x7F) {
					throw new HandoffException.InvalidInput(field, "must not contain line breaks or control characters");
				}
			}
			valid.put(name, value);
		});
		return valid;
	}

	/** The value as shown to users and kept in logs: masked when the header's name suggests a credential. */
	static String mask(String name, String value) {
		if (!SECRET_NAME.matcher(name).matches()) {
			return value;
		}
		return value.length() <= 8 ? "••••" : "••••" + value.substring(value.length() - 4);
	}
}
