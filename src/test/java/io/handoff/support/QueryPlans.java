package io.handoff.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.handoff.platform.ListQuery;

/**
 * The plans PostgreSQL makes for the project's list statements, on a database of its own migrated by Flyway and
 * grown by {@link ScaleData}, as the driver runs them: prepared, then executed with a custom plan (made for the
 * values) or a generic one (made once for any values, which the driver's statements get after five runs).
 */
public final class QueryPlans {

	/** Large enough that reading a workspace's rows is far dearer than reading an index's few. */
	public static final ScaleData.Sizes SIZES = new ScaleData.Sizes(20_000, 60_000, 100_000, 60);

	private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):(\\w+)");
	private static final JsonMapper JSON = JsonMapper.builder().build();
	private static String url;

	private QueryPlans() {
	}

	/**
	 * A plan as run: the tree as PostgreSQL printed it, the index and node types met in it, and the rows its scans
	 * read beyond what an index gave them (filtered out, removed on recheck, or read by a scan of a whole table).
	 * A scan of a whole table is not wrong in itself: one of a table with a few rows is the cheapest plan there is.
	 * {@code rowsSorted} is the most rows any sort in it was given.
	 */
	public record Plan(String text, List<String> nodeTypes, List<String> indexes, long rowsDiscarded, long rowsSorted) {

		public boolean uses(String index) {
			return indexes.contains(index);
		}

		/**
		 * Whether it sorts more than a page's rows. Over partitions, the planner may read a filter's few rows from
		 * each month's index and sort them rather than walk the months in order; that costs as little as a page read
		 * in order, as long as it stays a page's worth.
		 */
		public boolean sorts() {
			return rowsSorted > PAGE;
		}
	}

	/** The rows a page holds, and the one more a list reads to know there are more. */
	static final long PAGE = 21;

	public static synchronized String database() {
		if (url == null) {
			String created = FreshDatabase.create("plans");
			Flyway.configure().dataSource(created, null, null).locations("classpath:db/migration").load().migrate();
			try (Connection connection = DriverManager.getConnection(created)) {
				ScaleData.grow(connection, SIZES);
			}
			catch (SQLException e) {
				throw new IllegalStateException("cannot grow the plans database", e);
			}
			url = created;
		}
		return url;
	}

	/** Rows a page of 20 may read and discard: one filter value in five is fine, a scan of a table is not. */
	public static final long DISCARD_LIMIT = 300;

	/**
	 * Runs the statement in a custom and in a generic plan and checks each reads its page from an index: at most
	 * {@link #DISCARD_LIMIT} rows thrown away and, unless {@code maySort}, no sort of more than a page's rows.
	 */
	public static void assertReadsItsPageFromAnIndex(ListQuery query, boolean maySort) {
		for (Plan plan : new Plan[] { custom(query), generic(query) }) {
			org.assertj.core.api.Assertions.assertThat(plan.rowsDiscarded())
				.as("rows read and discarded:%n%s", plan.text())
				.isLessThanOrEqualTo(DISCARD_LIMIT);
			if (!maySort) {
				org.assertj.core.api.Assertions.assertThat(plan.sorts()).as("sorts:%n%s", plan.text()).isFalse();
			}
		}
	}

	public static Plan custom(ListQuery query) {
		return explain(query, "force_custom_plan");
	}

	public static Plan generic(ListQuery query) {
		return explain(query, "force_generic_plan");
	}

	private static Plan explain(ListQuery query, String mode) {
		Map<String, Integer> positions = new LinkedHashMap<>();
		Matcher m = PARAMETER.matcher(query.sql());
		StringBuilder sql = new StringBuilder();
		while (m.find()) {
			int position = positions.computeIfAbsent(m.group(1), k -> positions.size() + 1);
			m.appendReplacement(sql, "\\$" + position);
		}
		m.appendTail(sql);
		List<String> values = new ArrayList<>();
		for (String name : positions.keySet()) {
			if (!query.params().containsKey(name)) {
				throw new IllegalArgumentException("no value for :" + name + " in " + query.sql());
			}
			values.add(literal(query.params().get(name)));
		}
		try (Connection connection = DriverManager.getConnection(database());
				Statement statement = connection.createStatement()) {
			statement.execute("SET plan_cache_mode = " + mode);
			statement.execute("PREPARE list AS " + sql);
			try (ResultSet rs = statement.executeQuery(
					"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE list" + (values.isEmpty() ? "" : "(" + String.join(", ", values) + ")"))) {
				rs.next();
				JsonNode root = JSON.readTree(rs.getString(1)).get(0).get("Plan");
				List<String> types = new ArrayList<>();
				List<String> indexes = new ArrayList<>();
				long discarded = walk(root, types, indexes);
				return new Plan(root.toPrettyString(), types, indexes, discarded, mostSorted(root));
			}
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot explain " + sql, e);
		}
	}

	private static long walk(JsonNode node, List<String> types, List<String> indexes) {
		types.add(node.get("Node Type").asString());
		if (node.has("Index Name")) {
			indexes.add(node.get("Index Name").asString());
		}
		long loops = node.path("Actual Loops").asLong(1);
		long discarded = loops * (node.path("Rows Removed by Filter").asLong(0)
				+ node.path("Rows Removed by Index Recheck").asLong(0));
		if (node.get("Node Type").asString().equals("Seq Scan")) {
			// A scan of the whole table reads every row, whether it keeps them or not.
			discarded += loops * node.path("Actual Rows").asLong(0);
		}
		if (node.has("Plans")) {
			for (JsonNode child : node.get("Plans")) {
				discarded += walk(child, types, indexes);
			}
		}
		return discarded;
	}

	private static long mostSorted(JsonNode node) {
		long most = 0;
		String type = node.get("Node Type").asString();
		if ((type.equals("Sort") || type.equals("Incremental Sort")) && node.has("Plans")) {
			JsonNode input = node.get("Plans").get(0);
			most = input.path("Actual Loops").asLong(1) * input.path("Actual Rows").asLong(0);
		}
		if (node.has("Plans")) {
			for (JsonNode child : node.get("Plans")) {
				most = Math.max(most, mostSorted(child));
			}
		}
		return most;
	}

	/** One value from the plans database, such as an id to filter by. */
	public static String value(String sql) {
		try (Connection connection = DriverManager.getConnection(database());
				Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getString(1);
		}
		catch (SQLException e) {
			throw new IllegalStateException(sql, e);
		}
	}

	private static String literal(Object value) {
		if (value == null) {
			return "NULL";
		}
		if (value instanceof Number || value instanceof Boolean) {
			return value.toString();
		}
		if (value instanceof String[] array) {
			return quote("{" + String.join(",", List.of(array).stream().map(v -> "\"" + v + "\"").toList()) + "}");
		}
		return quote(value.toString());
	}

	private static String quote(String text) {
		return "'" + text.replace("'", "''") + "'";
	}
}
