package io.handoff.platform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A list query whose {@code WHERE} holds only the filters actually given.
 * <p>
 * The catch-all form, {@code (CAST(:x AS text) IS NULL OR col = :x)}, reads well but plans badly: once the driver's
 * prepared statement switches to a generic plan (after five runs), the planner cannot tell a given filter from an
 * absent one and no index can serve it, so a filter on a chat read a workspace's deliveries backwards to find its
 * few. Built from what is given, each distinct set of filters is its own statement with a plan that uses the index
 * made for it, generic or custom.
 * <p>
 * Conditions are the code's own SQL text with named parameters; only values are bound, never spliced in.
 */
public final class ListQuery {

	private final String select;
	private final StringBuilder where = new StringBuilder();
	private final Map<String, Object> params = new LinkedHashMap<>();
	private String orderBy = "";

	private ListQuery(String select) {
		this.select = select;
	}

	/** {@code select} is everything before {@code WHERE}, e.g. {@code SELECT * FROM chats}. */
	public static ListQuery select(String select) {
		return new ListQuery(select);
	}

	/** A condition that always applies, such as the workspace, with its parameters. */
	public ListQuery where(String condition, Map<String, ?> values) {
		append(condition);
		params.putAll(values);
		return this;
	}

	/** A condition with one parameter, applied only when its value is given (not null). */
	public ListQuery and(String condition, String name, Object value) {
		if (value != null) {
			append(condition);
			params.put(name, value);
		}
		return this;
	}

	/**
	 * A column equal to one of a closed set of values (an enum's), written into the statement rather than bound.
	 * Such values are few and far from evenly spread (a tiny share of deliveries fail, most chats are resolved), and
	 * a generic plan, made for any value, assumes an even spread: it read a workspace's deliveries backwards to find
	 * its failures. Written in, each value has its own statement and a plan made for how common it is.
	 */
	public <E extends Enum<E>> ListQuery andEquals(String column, E value, java.util.function.Function<E, String> dbValue) {
		if (value != null) {
			String text = dbValue.apply(value);
			if (!text.matches("[a-z_]+")) {
				throw new IllegalArgumentException("not a plain value: " + text);
			}
			append(column + " = '" + text + "'");
		}
		return this;
	}

	/** A condition without parameters, applied only when {@code given}. */
	public ListQuery andIf(boolean given, String condition) {
		if (given) {
			append(condition);
		}
		return this;
	}

	/** A parameter used by the {@code select} part, such as a joined table's condition. */
	public ListQuery bind(String name, Object value) {
		params.put(name, value);
		return this;
	}

	/**
	 * Newest first by {@code column}, a time-ordered id: the page after the cursor (bound as {@code :after}), in the
	 * order of the index that serves the list, and the row limit.
	 */
	public ListQuery newestFirst(String column, PageRequest page) {
		return and(column + " < :after", "after", page.after()).orderBy(column + " DESC", page.fetchSize());
	}

	/** The keyset order and the row limit (bound as {@code :limit}). */
	public ListQuery orderBy(String order, int limit) {
		this.orderBy = " ORDER BY " + order + " LIMIT :limit";
		params.put("limit", limit);
		return this;
	}

	public String sql() {
		return select + " WHERE " + where + orderBy;
	}

	public Map<String, Object> params() {
		return Collections.unmodifiableMap(params);
	}

	/** The statement, with its parameters bound, ready to map. */
	public JdbcClient.StatementSpec on(JdbcClient jdbc) {
		return jdbc.sql(sql()).params(params);
	}

	private void append(String condition) {
		if (!where.isEmpty()) {
			where.append(" AND ");
		}
		where.append('(').append(condition).append(')');
	}
}
