package io.handoff.delivery;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.platform.Ids;
import io.handoff.platform.MonthlyPartitions;

/**
 * Dropping a month of the event log, the deliveries and their attempts (see {@code V19__history_partitions.sql}): a
 * month wholly older than retention's cutoff goes in one short transaction instead of being deleted row by row. The
 * months themselves are made ahead by {@link MonthlyPartitions}.
 */
@Component
class HistoryPartitions {

	private static final Logger log = LoggerFactory.getLogger(HistoryPartitions.class);

	private static final List<String> TABLES = List.of("events", "deliveries", "delivery_attempts");

	private final JdbcClient jdbc;
	private final TransactionTemplate transactions;
	private final MonthlyPartitions months;

	HistoryPartitions(JdbcClient jdbc, TransactionTemplate transactions, MonthlyPartitions months) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.months = months;
	}

	/** Makes the partitions of the month of {@code now} and of the months after it, for every history table. */
	int makeAhead(Instant now) {
		return months.makeAhead(now);
	}

	/**
	 * Drops every month that ended at or before {@code cutoff}, oldest first, stopping at the first that cannot go yet;
	 * answers the months dropped.
	 */
	List<YearMonth> dropBefore(Instant cutoff) {
		return months.dropBefore(TABLES, cutoff, this::drop);
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
		Instant end = MonthlyPartitions.start(month.plusMonths(1));
		String eventsEnd = Ids.first("evt", end);
		String deliveriesEnd = Ids.first(DeliveryId.PREFIX, end);
		String attemptsEnd = Ids.first("att", end);
		try {
			Boolean done = transactions.execute(status -> {
				jdbc.sql("SET LOCAL lock_timeout = '" + MonthlyPartitions.LOCK_TIMEOUT + "'").update();
				// Dropping a partition locks its table whole anyway; taking all three at once, in the order writers
				// take them, leaves no room for a deadlock with a writer half-way through.
				jdbc.sql("LOCK TABLE events, deliveries, delivery_attempts IN ACCESS EXCLUSIVE MODE").update();
				locked[0] = System.nanoTime();
				boolean underWay = jdbc.sql("""
						SELECT EXISTS (SELECT 1 FROM deliveries WHERE id < :end AND status = 'pending')
						    OR EXISTS (SELECT 1 FROM deliveries WHERE event_id < :events AND id >= :end
						               AND status = 'pending')
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
				TABLES.reversed().forEach(table -> months.detach(table, month));
				return true;
			});
			if (Boolean.TRUE.equals(done)) {
				long detached = System.nanoTime();
				months.dropDetached(TABLES);
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
}
