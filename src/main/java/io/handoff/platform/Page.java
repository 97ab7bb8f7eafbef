package io.handoff.platform;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, newest first. {@code nextCursor} is the id to pass as {@code after} for the next page.
 */
public record Page<T>(List<T> data, boolean hasMore, String nextCursor) {

	/**
	 * Makes a page from rows fetched with a limit one larger than asked: the extra row only tells that there is more.
	 */
	public static <T> Page<T> of(List<T> rowsPlusOne, int limit, Function<T, String> id) {
		boolean hasMore = rowsPlusOne.size() > limit;
		List<T> data = hasMore ? rowsPlusOne.subList(0, limit) : rowsPlusOne;
		return new Page<>(List.copyOf(data), hasMore, hasMore ? id.apply(data.getLast()) : null);
	}

	public <R> Page<R> map(Function<T, R> mapper) {
		return new Page<>(data.stream().map(mapper).toList(), hasMore, nextCursor);
	}
}
