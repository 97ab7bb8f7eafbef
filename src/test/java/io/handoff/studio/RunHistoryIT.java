package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.platform.Ids;
import io.handoff.platform.MonthlyPartitions;
import io.handoff.support.FreshDatabase;

/**
 * Bot requests, runs and the assignment history by month: a database at V19 with five months of them migrates without
 * losing a row, each row in its month's partition; run retention drops whole months, keeping a bot's sample request
 * and any month with a run still under way.
 */
class RunHistoryIT {

	static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
	static final YearMonth FIVE_AGO = NOW.minusMonths(5);

	static JdbcClient jdbc;
	static RunHistory history;
	static Map<String, List<String>> before;
	static Map<String, List<String>> after;
	static String sample;
	static String waiting;

	@BeforeAll
	static void migrateADatabaseWithRuns() {
		String url = FreshDatabase.create("runs");
		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("19").load().migrate();
		DataSource data = new DriverManagerDataSource(url);
		jdbc = JdbcClient.create(data);
		jdbc.sql("""
				INSERT INTO workspaces (id, name, created_at) VALUES ('ws_R', 'Runs', now());
				INSERT INTO bots (id, workspace_id, name, status, trigger_type, created_at, updated_at)
				VALUES ('bot_R', 'ws_R', 'Lead router', 'active', 'webhook', now(), now());
				INSERT INTO business_numbers (id, workspace_id, number, display_name, created_at)
				VALUES ('bn_R', 'ws_R', '+911234567890', 'Sales', now());
				INSERT INTO customers (id, workspace_id, phone, wa_id, created_at)
				VALUES ('cus_R', 'ws_R', '+919876543210', '919876543210', now());
				INSERT INTO chats (id, workspace_id, business_number_id, customer_id, status, sequence, created_at,
				                   updated_at, last_activity_at)
				VALUES ('chat_R', 'ws_R', 'bn_R', 'cus_R', 'open', 100, now(), now(), now());
				""").update();
		// Each month: four requests, each with its run, and four assignment changes.
		int n = 0;
		for (YearMonth month = FIVE_AGO; !month.isAfter(NOW); month = month.plusMonths(1)) {
			for (int i = 0; i < 4; i++) {
				Instant at = start(month).plusSeconds(3600L * (i + 1));
				request(id("req", at, ++n), at);
				run(id("run", at.plusMillis(1), n), id("req", at, n), at.plusMillis(1), "succeeded");
				jdbc.sql("""
						INSERT INTO assignment_history (id, workspace_id, chat_id, sequence, source, actor_type, occurred_at)
						VALUES (:id, 'ws_R', 'chat_R', :n, 'api', 'api_key', :at)""")
					.param("id", id("asg", at, n)).param("n", n).param("at", java.sql.Timestamp.from(at)).update();
			}
		}
		// The bot's sample is a request of five months ago; a run of four months ago waits to try a step again.
		sample = id("req", start(FIVE_AGO).plusSeconds(3600), 1);
		jdbc.sql("UPDATE bots SET sample_request_id = :id WHERE id = 'bot_R'").param("id", sample).update();
		waiting = id("run", start(FIVE_AGO.plusMonths(1)).plusSeconds(3600).plusMillis(1), 5);
		jdbc.sql("UPDATE bot_runs SET status = 'waiting', next_try_at = now() + interval '1 hour' WHERE id = :id")
			.param("id", waiting).update();
		before = snapshot();

		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
		after = snapshot();
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(data));
		history = new RunHistory(jdbc, transactions, new MonthlyPartitions(jdbc, transactions), null, null);
	}

	@Test
	void theMigrationKeepsEveryRowInItsMonthsPartition() {
		assertThat(after).isEqualTo(before);
		assertThat(after.get("bot_runs")).hasSize(24);
		// Last month (which retention below keeps): the first of its rows is the 17th of each kind.
		YearMonth month = NOW.minusMonths(1);
		Instant at = start(month).plusSeconds(3600);
		assertThat(partitionOf("bot_requests", id("req", at, 17))).isEqualTo(MonthlyPartitions.partition("bot_requests", month));
		assertThat(partitionOf("bot_runs", id("run", at.plusMillis(1), 17))).isEqualTo(MonthlyPartitions.partition("bot_runs", month));
		assertThat(partitionOf("assignment_history", id("asg", at, 17)))
			.isEqualTo(MonthlyPartitions.partition("assignment_history", month));
		for (String table : List.of("bot_requests", "bot_runs", "assignment_history")) {
			assertThat(exists(MonthlyPartitions.partition(table, NOW.plusMonths(MonthlyPartitions.MONTHS_AHEAD)))).isTrue();
		}
		// Keys, checks and the chat's cascade came along.
		assertThatThrownBy(() -> jdbc.sql("INSERT INTO bot_runs (id, workspace_id, bot_id, trigger, input, status, created_at) "
				+ "VALUES ('run_X', 'ws_R', 'bot_gone', 'webhook', '{}', 'queued', now())").update())
			.hasMessageContaining("bot_runs_bot_id_fkey");
		String current = id("run", start(NOW).plusSeconds(3600).plusMillis(1), 21);
		assertThatThrownBy(() -> jdbc.sql("UPDATE bot_runs SET status = 'lost' WHERE id = :id").param("id", current).update())
			.hasMessageContaining("bot_runs_status_check");
		// The assignment history is still read by chat, in order, from an index.
		assertThat(jdbc.sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'assignment_history_chat'")
			.query(String.class).single()).contains("(chat_id, sequence)");
	}

	@Test
	void runRetentionDropsWholeMonthsKeepingSamplesAndRunsUnderWay() {
		Instant cutoff = start(NOW.minusMonths(2));
		// Five months ago can go; four months ago has a run waiting, so it and everything after stay.
		assertThat(history.dropBefore(cutoff)).containsExactly(FIVE_AGO);
		assertThat(exists(MonthlyPartitions.partition("bot_runs", FIVE_AGO))).isFalse();
		assertThat(exists(MonthlyPartitions.partition("bot_requests", FIVE_AGO))).isFalse();
		assertThat(count("bot_runs")).isEqualTo(20);
		assertThat(count("bot_requests")).as("the sample stays").isEqualTo(21);
		assertThat(partitionOf("bot_requests", sample)).isEqualTo("bot_requests_default");
		assertThat(count("assignment_history")).as("assignment history is not run history").isEqualTo(24);

		jdbc.sql("UPDATE bot_runs SET status = 'succeeded', next_try_at = NULL WHERE id = :id").param("id", waiting).update();
		assertThat(history.dropBefore(cutoff)).containsExactly(FIVE_AGO.plusMonths(1), FIVE_AGO.plusMonths(2));
		assertThat(count("bot_runs")).isEqualTo(12);
		assertThat(count("bot_requests")).isEqualTo(13);
		assertThat(history.dropBefore(cutoff)).as("nothing more is due").isEmpty();
		assertThat(count("bot_requests")).as("the sample, still in use").isEqualTo(13);

		// Captured again: the old sample is no longer kept.
		jdbc.sql("UPDATE bots SET sample_request_id = :id WHERE id = 'bot_R'")
			.param("id", id("req", start(NOW).plusSeconds(3600), 21)).update();
		history.dropBefore(cutoff);
		assertThat(count("bot_requests")).isEqualTo(12);
		assertThat(count("bot_requests_default")).isZero();
		assertThat(jdbc.sql("SELECT count(*) FROM pg_class WHERE relname ~ '^bot_(runs|requests)_[0-9]{4}_[0-9]{2}$' "
				+ "AND NOT relispartition").query(Long.class).single()).as("no detached table is left").isZero();
	}

	static void request(String id, Instant at) {
		jdbc.sql("""
				INSERT INTO bot_requests (id, workspace_id, bot_id, method, headers, query, content_type, body, body_encoding,
				                          received_at)
				VALUES (:id, 'ws_R', 'bot_R', 'POST', '{}', '', 'application/json', '{"lead": "' || :id || '"}', 'utf8', :at)""")
			.param("id", id).param("at", java.sql.Timestamp.from(at)).update();
	}

	static void run(String id, String request, Instant at, String status) {
		jdbc.sql("""
				INSERT INTO bot_runs (id, workspace_id, bot_id, trigger, request_id, input, status, created_at, finished_at)
				VALUES (:id, 'ws_R', 'bot_R', 'webhook', :request, '{}', :status, :at, :at)""")
			.param("id", id).param("request", request).param("status", status).param("at", java.sql.Timestamp.from(at))
			.update();
	}

	/** An id made at {@code at}, told apart from others of that millisecond by {@code n}. */
	static String id(String prefix, Instant at, int n) {
		String first = Ids.first(prefix, at);
		return first.substring(0, first.length() - 6) + String.format("%06d", n);
	}

	static Instant start(YearMonth month) {
		return MonthlyPartitions.start(month);
	}

	static Map<String, List<String>> snapshot() {
		return Map.of("bot_requests", rows("bot_requests"), "bot_runs", rows("bot_runs"), "assignment_history",
				rows("assignment_history"));
	}

	static List<String> rows(String table) {
		return jdbc.sql("SELECT t::text FROM (SELECT * FROM " + table + " ORDER BY id) t").query(String.class).list();
	}

	static long count(String table) {
		return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
	}

	static boolean exists(String table) {
		return jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", table).query(Boolean.class).single();
	}

	static String partitionOf(String table, String id) {
		return jdbc.sql("SELECT CAST(tableoid AS regclass)::text FROM " + table + " WHERE id = :id").param("id", id)
			.query(String.class).single();
	}
}
