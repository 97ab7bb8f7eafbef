package io.handoff.delivery;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.platform.Ids;

/**
 * The monthly partitions of the event log, the deliveries and their attempts (see {@code V19__history_partitions.sql}):
 * months are made ahead of time, and a month wholly older than retention's cutoff is dropped in one short transaction
 * instead of being deleted row by row.
 */
@Component
class HistoryPartitions {

	private static final Logger log = LoggerFactory.getLogger(HistoryPartitions.class);

	/** Months made ahead of the current one, so that no write waits for a partition or lands in the default one. */
	static final int MONTHS_AHEAD = 2;

	/** How long a drop waits for the tables' locks before it gives way to the queue and tries again later. */
	private static final String LOCK_TIMEOUT = "500ms";

	private static final List<String> TABLES = List.of("events", "deliveries", "delivery_attempts");

	private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyy_MM");

	private final JdbcClient jdbc;
	private final TransactionTemplate transactions;

	HistoryPartitions(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/** Makes the partitions of the month of {@code now} and of the {@link #MONTHS_AHEAD} after it; answers how many. */
	int makeAhead(Instant now) {
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
	int make(YearMonth month) {
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

	/** The months that have a partition in any of the history tables, oldest first. */
	List<YearMonth> months() {
		TreeSet<YearMonth> months = new TreeSet<>();
		for (String table : TABLES) {
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
		if (!partition.matches(java.util.regex.Pattern.quote(table) + "_\\d{4}_\\d{2}")) {
			return Optional.empty();
		}
		return Optional.of(YearMonth.parse(partition.substring(table.length() + 1), SUFFIX));
	}

	/**
	 * Drops every month that ended at or before {@code cutoff}, oldest first, stopping at the first that cannot go yet;
	 * answers the months dropped.
	 */
	List<YearMonth> dropBefore(Instant cutoff) {
		dropDetached();
		List<YearMonth> dropped = new ArrayList<>();
		for (YearMonth month : months()) {
			if (start(month.plusMonths(1)).isAfter(cutoff) || !drop(month)) {
				break;
			}
			dropped.add(month);
		}
		return dropped;
	}

	/**
	 * Drops a month of history. One transaction, under the three tables' locks, deletes the few rows that point into
	 * it from later months (the deliveries of its last events made just after midnight, and the resends of its
	 * deliveries, with their attempts) and detaches its attempts, deliveries and events; the detached tables are
	 * dropped after it, without the locks. A month with a delivery still under way stays until it finishes. Answers
	 * false when it cannot go yet or the tables are busy (having changed nothing), or when the detached tables could
	 * not be dropped (the next run drops them).
	 */
	boolean drop(YearMonth month) {
		long started = System.nanoTime();
		long[] locked = new long[1];
		String suffix = month.format(SUFFIX);
		Instant end = start(month.plusMonths(1));
		String eventsEnd = Ids.first("evt", end);
		String deliveriesEnd = Ids.first(DeliveryId.PREFIX, end);
		String attemptsEnd = Ids.first("att", end);
		try {
			Boolean done = transactions.execute(status -> {
				jdbc.sql("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'").update();
				// Dropping a partition locks its table whole anyway; taking all three at once, in the order writers
				// take them, leaves no room for a deadlock with a writer half-way through.
				jdbc.sql("LOCK TABLE events, deliveries, delivery_attempts IN ACCESS EXCLUSIVE MODE").update();
				locked[0] = System.nanoTime();
				boolean underWay = jdbc.sql("""
						SELECT EXISTS (SELECT 1 FROM deliveries WHERE id < :end AND status = 'pending')
						    OR EXISTS (SELECT 1 FROM deliveries WHERE id < :end AND status = 'in_flight')
						    OR EXISTS (SELECT 1 FROM deliveries WHERE event_id < :events AND id >= :end
						               AND status IN ('pending', 'in_flight'))
						""")
					.param("end", deliveriesEnd)
					.param("events", eventsEnd)
					.query(Boolean.class)
					.single();
				if (underWay) {
					log.info("History of {} is kept: a delivery of it is still under way", month);
					status.setRollbackOnly();
					return false;
				}
				jdbc.sql("""
						WITH later AS (
						    DELETE FROM deliveries WHERE event_id < :events AND id >= :deliveries RETURNING id)
						DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM later)
						""")
					.param("events", eventsEnd)
					.param("deliveries", deliveriesEnd)
					.update();
				jdbc.sql("DELETE FROM delivery_attempts WHERE delivery_id < :deliveries AND id >= :attempts")
					.param("deliveries", deliveriesEnd)
					.param("attempts", attemptsEnd)
					.update();
				// Detached here, dropped after: removing a month's files takes most of a second, and the tables'
				// locks are not held meanwhile.
				for (String table : TABLES.reversed()) {
					if (jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", table + "_" + suffix)
						.query(Boolean.class).single()) {
						jdbc.sql("ALTER TABLE " + table + " DETACH PARTITION " + table + "_" + suffix).update();
					}
				}
				return true;
			});
			if (Boolean.TRUE.equals(done)) {
				long detached = System.nanoTime();
				dropDetached();
				log.info("Dropped the history of {} in {} ms ({} ms waiting for the tables, {} ms holding them)", month,
						(System.nanoTime() - started) / 1_000_000, (locked[0] - started) / 1_000_000,
						(detached - locked[0]) / 1_000_000);
			}
			return Boolean.TRUE.equals(done);
		}
		catch (DataAccessException e) {
			log.info("History of {} is kept for now: {}", month, e.getMostSpecificCause().getMessage());
			return false;
		}
	}

	/** Drops the months detached from the history tables, including any a node stopped before dropping. */
	void dropDetached() {
		List<String> detached = jdbc.sql("""
				SELECT relname FROM pg_class
				WHERE relkind = 'r' AND NOT relispartition AND relnamespace = CAST(current_schema() AS regnamespace)
				  AND relname ~ '^(events|deliveries|delivery_attempts)_[0-9]{4}_[0-9]{2}$'
				""").query(String.class).list();
		for (String table : detached) {
			jdbc.sql("DROP TABLE IF EXISTS " + table).update();
		}
	}

	private static Instant start(YearMonth month) {
		return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}
}
