package io.handoff.studio;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.platform.Ids;
import io.handoff.platform.MonthlyPartitions;
import io.handoff.platform.Timestamps;

/**
 * Run retention: the requests that reached bots' URLs and the runs of bots are kept {@code handoff.studio.run-retention}
 * (30 days) and then go a month at a time, their monthly partitions dropped whole (see
 * {@code V20__run_and_assignment_partitions.sql}), as n8n prunes its executions. A month goes once it ended before the
 * cutoff and none of its runs is still queued, running or waiting. A request a bot keeps as its sample (Capture
 * Response) outlives its month: it is moved to the tables' default partition before the month goes. Runs on a
 * thread of its own, on nodes that run bots.
 */
@Component
class RunHistory implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RunHistory.class);

	/** In the order writers take them: a request is recorded before its run. */
	private static final List<String> TABLES = List.of("bot_requests", "bot_runs");

	private final JdbcClient jdbc;
	private final TransactionTemplate transactions;
	private final MonthlyPartitions months;
	private final StudioProperties properties;
	private final Clock clock;
	private volatile ScheduledExecutorService thread;

	RunHistory(JdbcClient jdbc, TransactionTemplate transactions, MonthlyPartitions months, StudioProperties properties,
			Clock clock) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.months = months;
		this.properties = properties;
		this.clock = clock;
	}

	/** Makes the coming months' partitions and drops the months of runs that are due; answers the months dropped. */
	List<YearMonth> run() {
		Instant now = Timestamps.now(clock);
		months.makeAhead(now);
		return dropBefore(now.minus(properties.runRetention()));
	}

	/** Drops every month of runs and requests that ended at or before {@code cutoff} and can go, oldest first. */
	List<YearMonth> dropBefore(Instant cutoff) {
		List<YearMonth> dropped = months.dropBefore(TABLES, cutoff, this::drop);
		// Samples kept from dropped months that no bot uses any more (captured again since, or the bot deleted).
		jdbc.sql("""
				DELETE FROM bot_requests_default r
				WHERE r.id < :before AND NOT EXISTS (SELECT 1 FROM bots b WHERE b.sample_request_id = r.id)
				""").param("before", Ids.first("req", cutoff)).update();
		return dropped;
	}

	/**
	 * Drops a month of requests and runs: one short transaction under both tables' locks checks that no run of the
	 * month is under way, detaches the month, and puts back the bots' samples among its requests (they land in the
	 * default partition, since no month covers them any more); the detached tables are dropped after it. Answers
	 * false when the month cannot go yet or the tables are busy, having changed nothing.
	 */
	boolean drop(YearMonth month) {
		long started = System.nanoTime();
		String runsEnd = Ids.first("run", MonthlyPartitions.start(month.plusMonths(1)));
		try {
			Integer kept = transactions.execute(status -> {
				jdbc.sql("SET LOCAL lock_timeout = '" + MonthlyPartitions.LOCK_TIMEOUT + "'").update();
				jdbc.sql("LOCK TABLE bot_requests, bot_runs IN ACCESS EXCLUSIVE MODE").update();
				boolean underWay = jdbc.sql("""
						SELECT EXISTS (SELECT 1 FROM bot_runs WHERE id < :end AND status IN ('queued', 'running', 'waiting'))
						""").param("end", runsEnd).query(Boolean.class).single();
				if (underWay) {
					log.info("Runs of {} are kept: one of them is still under way", month);
					status.setRollbackOnly();
					return null;
				}
				months.detach("bot_runs", month);
				if (!months.detach("bot_requests", month)) {
					return 0;
				}
				return jdbc.sql("INSERT INTO bot_requests SELECT * FROM " + MonthlyPartitions.partition("bot_requests", month)
						+ " WHERE id IN (SELECT sample_request_id FROM bots WHERE sample_request_id IS NOT NULL)")
					.update();
			});
			if (kept == null) {
				return false;
			}
			months.dropDetached(TABLES);
			log.info("Dropped the runs and requests of {} in {} ms ({} samples kept)", month,
					(System.nanoTime() - started) / 1_000_000, kept);
			return true;
		}
		catch (DataAccessException e) {
			log.info("Runs of {} are kept for now: {}", month, e.getMostSpecificCause().getMessage());
			return false;
		}
	}

	@Override
	public void start() {
		if (!properties.runnerEnabled()) {
			return;
		}
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("handoff-run-retention").daemon().factory());
		long every = properties.retentionInterval().toMillis();
		// The coming months at once; the first drop after an interval, as delivery retention does, so that a node
		// starting does not also start dropping history.
		started.execute(() -> quietly(() -> months.makeAhead(Timestamps.now(clock))));
		started.scheduleWithFixedDelay(() -> quietly(this::run), every, every, TimeUnit.MILLISECONDS);
		thread = started;
	}

	private void quietly(Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException e) {
			log.warn("Run retention failed; it runs again in {}: {}", properties.retentionInterval(), e.toString());
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = thread;
		thread = null;
		if (running != null) {
			running.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return thread != null;
	}
}
