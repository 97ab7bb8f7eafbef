package io.handoff.platform;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The monthly partitions of the history tables (those listed in {@code history_tables}: the event log, deliveries and
 * their attempts, bot requests and runs, the assignment history; see {@code V19__history_partitions.sql}). Months
 * are made ahead of time for every such table; the modules that own a table decide when a month of it may go, detach
 * it under their own locks and leave the dropping of the detached table to {@link #dropDetached}, outside them.
 */
@Component
public class MonthlyPartitions {

	private static final Logger log = LoggerFactory.getLogger(MonthlyPartitions.class);

	/** Months made ahead of the current one, so that no write waits for a partition or lands in the default one. */
	public static final int MONTHS_AHEAD = 2;

	/** How long making or detaching a month waits for a table's lock before it gives way and tries again later. */
	public static final String LOCK_TIMEOUT = "500ms";

	private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyy_MM");

	private final JdbcClient jdbc;
	private final TransactionTemplate transactions;

	public MonthlyPartitions(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/** Makes the partitions of the month of {@code now} and of the {@link #MONTHS_AHEAD} after it; answers how many. */
	public int makeAhead(Instant now) {
		YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
		int made = 0;
		for (int i = 0; i <= MONTHS_AHEAD; i++) {
			try {
				made += make(current.plusMonths(i));
			}
			catch (DataAccessException e) {
				// Another node making the same month at the same moment, or the tables busy: the next run tries again.
				log.info("The {} partitions were not made this time: {}", current.plusMonths(i),
						e.getMostSpecificCause().getMessage());
			}
		}
		return made;
	}

	/** Makes the month's partition of each history table that lacks one; answers how many it made. */
	public int make(YearMonth month) {
		Integer made = transactions.execute(status -> {
			jdbc.sql("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'").update();
			return jdbc.sql("SELECT count(*) FILTER (WHERE history_partition(name, :month)) FROM history_tables")
				.param("month", month.atDay(1))
				.query(Integer.class)
				.single();
		});
		if (made != null && made > 0) {
			log.info("Made the {} partitions of the history tables ({} tables)", month, made);
		}
		return made == null ? 0 : made;
	}

	/** The months that have a partition in any of {@code tables}, oldest first. */
	public List<YearMonth> months(List<String> tables) {
		TreeSet<YearMonth> months = new TreeSet<>();
		for (String table : tables) {
			jdbc.sql("""
					SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
					WHERE i.inhparent = CAST(:table AS regclass)
					""")
				.param("table", table)
				.query(String.class)
				.list()
				.forEach(name -> month(table, name).ifPresent(months::add));
		}
		return List.copyOf(months);
	}

	private static Optional<YearMonth> month(String table, String partition) {
		if (!partition.matches(Pattern.quote(table) + "_\\d{4}_\\d{2}")) {
			return Optional.empty();
		}
		return Optional.of(YearMonth.parse(partition.substring(table.length() + 1), SUFFIX));
	}

	/**
	 * Retention's walk over {@code tables}: drops what an earlier run left detached, then offers {@code drop} each month
	 * that ended at or before {@code cutoff}, oldest first, stopping at the first it declines (months are kept in
	 * order, so a month under way holds back the ones after it); answers the months dropped.
	 */
	public List<YearMonth> dropBefore(List<String> tables, Instant cutoff, Predicate<YearMonth> drop) {
		dropDetached(tables);
		List<YearMonth> dropped = new ArrayList<>();
		for (YearMonth month : months(tables)) {
			if (start(month.plusMonths(1)).isAfter(cutoff) || !drop.test(month)) {
				break;
			}
			dropped.add(month);
		}
		return dropped;
	}

	/** The name of {@code table}'s partition for {@code month}. */
	public static String partition(String table, YearMonth month) {
		return table + "_" + month.format(SUFFIX);
	}

	/**
	 * Detaches {@code table}'s partition of {@code month}, when there is one, in the caller's transaction (which holds
	 * the table's lock); answers whether it did. The detached table stays until {@link #dropDetached}.
	 */
	public boolean detach(String table, YearMonth month) {
		String partition = partition(table, month);
		if (!jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", partition).query(Boolean.class).single()) {
			return false;
		}
		jdbc.sql("ALTER TABLE " + table + " DETACH PARTITION " + partition).update();
		return true;
	}

	/**
	 * Drops the months detached from {@code tables}, including any a node stopped before dropping: removing a month's
	 * files takes most of a second, and no lock of the tables is held meanwhile.
	 */
	public void dropDetached(List<String> tables) {
		String names = String.join("|", tables.stream().map(Pattern::quote).toList());
		List<String> detached = jdbc.sql("""
				SELECT relname FROM pg_class
				WHERE relkind = 'r' AND NOT relispartition AND relnamespace = CAST(current_schema() AS regnamespace)
				""").query(String.class).list();
		for (String table : detached) {
			if (table.matches("(" + names + ")_\\d{4}_\\d{2}")) {
				jdbc.sql("DROP TABLE IF EXISTS " + table).update();
			}
		}
	}

	/** The first instant of {@code month}, in UTC. */
	public static Instant start(YearMonth month) {
		return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}
}
