package io.handoff.studio;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JsonPointer;

import io.handoff.platform.HandoffException;

/**
 * Field paths of a run's input. Stored as JSON Pointers ({@code /body/items/0/name}); JSONPath in its simple form
 * ({@code $.body.items[0].name}, {@code $['body']['na.me']}) is accepted and converted.
 */
final class Paths {

	private Paths() {
	}

	/** The JSON Pointer that {@code path} names; refuses anything else, naming {@code field}. */
	static String toPointer(String path, String field) {
		if (path == null || path.isBlank()) {
			throw new HandoffException.InvalidInput(field, "must not be blank");
		}
		String p = path.strip();
		if (p.startsWith("/")) {
			try {
				JsonPointer.compile(p);
				return p;
			}
			catch (IllegalArgumentException e) {
				throw new HandoffException.InvalidInput(field, "is not a valid JSON Pointer: " + e.getMessage());
			}
		}
		if (p.startsWith("$")) {
			return fromJsonPath(p, field);
		}
		throw new HandoffException.InvalidInput(field,
				"must be a JSON Pointer such as /body/data/customerPhone or a JSONPath such as $.body.data.customerPhone");
	}

	/** The JSONPath ({@code $.a.b[0]}) for a pointer, as shown next to each field of a sample. */
	static String toJsonPath(String pointer) {
		StringBuilder path = new StringBuilder("$");
		for (String token : tokens(pointer)) {
			if (token.matches("\\d+")) {
				path.append('[').append(token).append(']');
			}
			else if (token.matches("[A-Za-z_][A-Za-z0-9_]*")) {
				path.append('.').append(token);
			}
			else {
				path.append("['").append(token.replace("\\", "\\\\").replace("'", "\\'")).append("']");
			}
		}
		return path.toString();
	}

	/** A pointer's reference tokens, unescaped. */
	static List<String> tokens(String pointer) {
		List<String> tokens = new ArrayList<>();
		if (pointer.isEmpty()) {
			return tokens;
		}
		for (String raw : pointer.substring(1).split("/", -1)) {
			tokens.add(raw.replace("~1", "/").replace("~0", "~"));
		}
		return tokens;
	}

	static String append(String pointer, String token) {
		return pointer + "/" + token.replace("~", "~0").replace("/", "~1");
	}

	private static String fromJsonPath(String path, String field) {
		StringBuilder pointer = new StringBuilder();
		int i = 1;
		while (i < path.length()) {
			char c = path.charAt(i);
			if (c == '.') {
				int start = ++i;
				while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
					i++;
				}
				if (start == i) {
					throw invalid(field, path);
				}
				pointer.append(append("", path.substring(start, i)));
			}
			else if (c == '[') {
				int close;
				if (i + 1 < path.length() && (path.charAt(i + 1) == '\'' || path.charAt(i + 1) == '"')) {
					char quote = path.charAt(i + 1);
					StringBuilder name = new StringBuilder();
					int j = i + 2;
					while (j < path.length() && path.charAt(j) != quote) {
						if (path.charAt(j) == '\\' && j + 1 < path.length()) {
							j++;
						}
						name.append(path.charAt(j++));
					}
					if (j + 1 >= path.length() || path.charAt(j + 1) != ']') {
						throw invalid(field, path);
					}
					pointer.append(append("", name.toString()));
					i = j + 2;
				}
				else {
					close = path.indexOf(']', i);
					if (close < 0 || !path.substring(i + 1, close).matches("\\d+")) {
						throw invalid(field, path);
					}
					pointer.append('/').append(path, i + 1, close);
					i = close + 1;
				}
			}
			else {
				throw invalid(field, path);
			}
		}
		return pointer.toString();
	}

	private static HandoffException invalid(String field, String path) {
		return new HandoffException.InvalidInput(field, "'" + path
				+ "' is not a JSONPath this supports: use $.a.b, $.a[0] or $['a.b'] (wildcards and filters are not supported)");
	}
}
