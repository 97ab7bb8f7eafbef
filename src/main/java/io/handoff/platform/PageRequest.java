package io.handoff.platform;

/**
 * The {@code limit} and {@code after} query parameters of a list, checked against the configured bounds.
 *
 * @param after the cursor: return items older than this id; null (or blank, as an empty form field sends it) for the
 *        first page
 */
public record PageRequest(int limit, String after) {

	public PageRequest {
		after = after == null || after.isBlank() ? null : after;
	}

	public static PageRequest of(Integer limit, String after, HandoffProperties.Api api) {
		int effective = limit == null ? api.defaultPageSize() : limit;
		if (effective < 1 || effective > api.maxPageSize()) {
			throw new HandoffException.InvalidInput("limit", "must be between 1 and " + api.maxPageSize());
		}
		return new PageRequest(effective, after);
	}

	/** The number of rows to fetch: one more than the page, to learn whether another page follows. */
	public int fetchSize() {
		return limit + 1;
	}
}
