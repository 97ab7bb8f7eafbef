package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The history tables' move to monthly partitions, on a database with history in the old tables, and the dropping of
 * a month: nothing is lost on the way in, and a dropped month takes with it the rows of later months that point into
 * it and nothing else.
 */
class HistoryPartitionsIT {

	static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
	static final YearMonth FIVE_AGO = NOW.minusMonths(5);
	static final YearMonth FOUR_AGO = NOW.minusMonths(4);
	static final YearMonth TWO_AGO = NOW.minusMonths(2);

	static JdbcClient jdbc;
	static HistoryPartitions partitions;
	static Map<String, Object> before;
	static Map<String, Object> after;

	@BeforeAll
	static void migrateADatabaseWithHistory() {
		String url = FreshDatabase.create("partitions");
		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("18").load().migrate();
		DataSource data = new DriverManagerDataSource(url);
		jdbc = JdbcClient.create(data);
		jdbc.sql("""
				INSERT INTO workspaces (id, name, created_at) VALUES ('ws_P', 'Partitions', now());
				INSERT INTO webhook_endpoints (id, workspace_id, name, url, all_business_numbers, event_types, auth_type,
				    body_format, ordering, retry_on_timeout, enabled, secret_enc, created_at, updated_at)
				SELECT 'wh_P' || i, 'ws_P', 'Endpoint ' || i, 'https://receiver.example/' || i, true, '{chat.assigned}',
				       'none', 'json', 'per_chat', true, true, 'sealed', now(), now()
				FROM generate_series(1, 2) i;
				""").update();
		// Ten events a month for five months and this one, each delivered to both endpoints with one attempt.
		int n = 0;
		for (YearMonth month = FIVE_AGO; !month.isAfter(NOW); month = month.plusMonths(1)) {
			for (int i = 0; i < 10; i++) {
				Instant at = start(month).plusSeconds(3600L * (i + 1));
				String event = id("evt", at, ++n);
				history(event, at, n, "succeeded");
			}
		}
		// The edge: the last moment's event of three months ago, delivered just after midnight; and a delivery of four
		// months ago resent two months later.
		Instant lastMoment = start(TWO_AGO).minusMillis(1);
		history(id("evt", lastMoment, 900), lastMoment.plusMillis(2), 900, "succeeded");
		jdbc.sql("""
				INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome,
				    status, request_headers, duration_ms, node, started_at)
				SELECT :id, id, workspace_id, endpoint_id, 2, 'manual', 'success', 200, '{}', 9, 'old', :at
				FROM deliveries WHERE event_id = :event AND endpoint_id = 'wh_P1'
				""")
			.param("id", id("att", start(TWO_AGO), 901))
			.param("event", id("evt", start(FOUR_AGO).plusSeconds(3600), 11))
			.param("at", java.sql.Timestamp.from(start(TWO_AGO)))
			.update();
		// An id from before ids had a time in them would have no month.
		jdbc.sql("""
				INSERT INTO events (id, workspace_id, type, payload, occurred_at)
				VALUES ('evt_legacy', 'ws_P', 'chat.assigned', '{}', now())
				""").update();
		before = snapshot();

		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
		after = snapshot();
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(data));
		partitions = new HistoryPartitions(jdbc, transactions, new MonthlyPartitions(jdbc, transactions));
	}

	/** An event, and a delivery of it to each endpoint made a millisecond later with one attempt. */
	static void history(String event, Instant at, int n, String status) {
		jdbc.sql("""
				INSERT INTO events (id, workspace_id, type, chat_id, sequence, payload, occurred_at)
				VALUES (:id, 'ws_P', 'chat.assigned', 'chat_P', :n, '{"n":' || :n || '}', :at)
				""")
			.param("id", event).param("n", n).param("at", java.sql.Timestamp.from(at)).update();
		for (int e = 1; e <= 2; e++) {
			Instant made = at.plusMillis(1);
			String delivery = id("dlv", made, n * 10 + e);
			jdbc.sql("""
					INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
					    status, attempts, created_at, updated_at, completed_at)
					VALUES (:id, 'ws_P', :endpoint, :event, 'chat.assigned', 'chat_P', :n, true, :status, 1, :at, :at,
					        CASE WHEN :status = 'succeeded' THEN CAST(:at AS timestamptz) END)
					""")
				.param("id", delivery).param("endpoint", "wh_P" + e).param("event", event).param("n", n)
				.param("status", status).param("at", java.sql.Timestamp.from(made)).update();
			jdbc.sql("""
					INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome,
					    status, request_headers, duration_ms, node, started_at)
					VALUES (:id, :delivery, 'ws_P', :endpoint, 1, 'scheduled', 'success', 200, '{"a": 1}', 12, 'old', :at)
					""")
				.param("id", id("att", made, n * 10 + e)).param("delivery", delivery).param("endpoint", "wh_P" + e)
				.param("at", java.sql.Timestamp.from(made)).update();
		}
	}

	/** An id made at {@code at}, told apart from others of that millisecond by {@code n}. */
	static String id(String prefix, Instant at, int n) {
		String first = Ids.first(prefix, at);
		return first.substring(0, first.length() - 6) + String.format("%06d", n);
	}

	static Instant start(YearMonth month) {
		return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	/** Every row of the three tables, as text, in id order. */
	static Map<String, Object> snapshot() {
		return Map.of(
				"events", jdbc.sql("SELECT e::text FROM (SELECT * FROM events ORDER BY id) e").query(String.class).list(),
				"deliveries", jdbc.sql("SELECT d::text FROM (SELECT * FROM deliveries ORDER BY id) d").query(String.class).list(),
				"attempts", jdbc.sql("SELECT a::text FROM (SELECT * FROM delivery_attempts ORDER BY id) a").query(String.class).list());
	}

	static String partitionOf(String table, String id) {
		return jdbc.sql("SELECT CAST(tableoid AS regclass)::text FROM " + table + " WHERE id = :id").param("id", id)
			.query(String.class).single();
	}

	static boolean exists(String table) {
		return jdbc.sql("SELECT to_regclass(:table) IS NOT NULL").param("table", table).query(Boolean.class).single();
	}

	static String suffix(YearMonth month) {
		return "_" + month.toString().replace('-', '_');
	}

	@Test
	void everyRowMovesIntoItsMonthUnchanged() {
		assertThat(after).isEqualTo(before);
		assertThat(((List<?>) before.get("events"))).hasSize(62);
		String old = id("evt", start(FIVE_AGO).plusSeconds(3600), 1);
		assertThat(partitionOf("events", old)).isEqualTo("events" + suffix(FIVE_AGO));
		assertThat(partitionOf("deliveries", id("dlv", start(FIVE_AGO).plusSeconds(3600).plusMillis(1), 11)))
			.isEqualTo("deliveries" + suffix(FIVE_AGO));
		assertThat(partitionOf("events", "evt_legacy")).isEqualTo("events_default");
		assertThat(exists("events" + suffix(NOW.plusMonths(MonthlyPartitions.MONTHS_AHEAD)))).isTrue();
		assertThat(jdbc.sql("SELECT reloptions::text FROM pg_class WHERE relname = :name")
			.param("name", "deliveries" + suffix(NOW)).query(String.class).single()).contains("fillfactor=70");
	}

	@Test
	void theOrderOfRecordingContinuesAfterTheMove() {
		long last = jdbc.sql("SELECT max(position) FROM events").query(Long.class).single();
		String id = Ids.next("evt");
		jdbc.sql("INSERT INTO events (id, workspace_id, type, payload, occurred_at) VALUES (:id, 'ws_P', 'chat.assigned', '{}', now())")
			.param("id", id).update();
		assertThat(jdbc.sql("SELECT position FROM events WHERE id = :id").param("id", id).query(Long.class).single())
			.isGreaterThan(last);
		assertThat(partitionOf("events", id)).isEqualTo("events" + suffix(NOW));
	}

	@Test
	void aMonthWithADeliveryUnderWayIsKeptThenDroppedWholeWithWhatPointsIntoIt() {
		String pending = id("dlv", start(FIVE_AGO).plusSeconds(60), 999);
		jdbc.sql("""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, ordered, status, attempts,
				    next_attempt_at, created_at, updated_at)
				VALUES (:id, 'ws_P', 'wh_P2', :event, 'chat.assigned', false, 'pending', 0, now(), now(), now())
				""")
			.param("id", pending).param("event", id("evt", start(FIVE_AGO).plusSeconds(3600), 1)).update();
		Instant cutoff = start(TWO_AGO);

		assertThat(partitions.dropBefore(cutoff)).as("a delivery of the oldest month is under way").isEmpty();
		assertThat(exists("events" + suffix(FIVE_AGO))).isTrue();

		jdbc.sql("UPDATE deliveries SET status = 'succeeded', completed_at = now() WHERE id = :id").param("id", pending).update();
		assertThat(partitions.dropBefore(cutoff)).containsExactly(FIVE_AGO, FIVE_AGO.plusMonths(1), FIVE_AGO.plusMonths(2));

		for (YearMonth gone : List.of(FIVE_AGO, FOUR_AGO, NOW.minusMonths(3))) {
			for (String table : List.of("events", "deliveries", "delivery_attempts")) {
				assertThat(exists(table + suffix(gone))).as(table + suffix(gone)).isFalse();
			}
		}
		// Nothing left points into a dropped month: the edge's deliveries and the resend went with it.
		assertThat(jdbc.sql("""
				SELECT count(*) FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id)
				""").query(Long.class).single()).isZero();
		assertThat(jdbc.sql("""
				SELECT count(*) FROM delivery_attempts a WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id)
				""").query(Long.class).single()).isZero();
		// The months after the cutoff are whole.
		assertThat(jdbc.sql("SELECT count(*) FROM events WHERE id >= :from AND id < :to")
			.param("from", Ids.first("evt", start(TWO_AGO))).param("to", Ids.first("evt", start(NOW)))
			.query(Long.class).single()).isEqualTo(20);
		assertThat(jdbc.sql("SELECT count(*) FROM deliveries WHERE id >= :from")
			.param("from", Ids.first("dlv", start(TWO_AGO))).query(Long.class).single()).isEqualTo(60);
		assertThat(partitions.dropBefore(cutoff)).as("nothing more is due").isEmpty();

		// A month detached by a node that stopped before dropping it goes at the next run.
		jdbc.sql("ALTER TABLE events DETACH PARTITION events" + suffix(TWO_AGO)).update();
		partitions.dropBefore(cutoff);
		assertThat(exists("events" + suffix(TWO_AGO))).isFalse();
	}

	@Test
	void aLargePayloadIsStoredCompressedWithLz4WhereTheServerHasIt() {
		boolean lz4 = jdbc.sql("""
				SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'
				""").query(Boolean.class).single();
		StringBuilder payload = new StringBuilder("{\"type\":\"chat.assigned\",\"data\":{\"history\":[");
		for (int i = 0; payload.length() < 3000; i++) {
			payload.append(i == 0 ? "" : ",").append("{\"sequence\":").append(i).append(",\"agent\":\"Anita Rao\"}");
		}
		payload.append("]}}");
		String id = Ids.next("evt");
		jdbc.sql("INSERT INTO events (id, workspace_id, type, payload, occurred_at) VALUES (:id, 'ws_P', 'chat.assigned', :payload, now())")
			.param("id", id).param("payload", payload.toString()).update();

		var stored = jdbc.sql("""
				SELECT pg_column_compression(payload) AS method, pg_column_size(payload) AS size, octet_length(payload) AS length
				FROM events WHERE id = :id
				""").param("id", id).query().singleRow();
		assertThat(stored.get("method")).isEqualTo(lz4 ? "lz4" : "pglz");
		assertThat(((Number) stored.get("size")).intValue()).isLessThan(((Number) stored.get("length")).intValue() / 2);
	}

	@Test
	void deletingAnEndpointStillDeletesItsDeliveriesAndAttempts() {
		jdbc.sql("""
				INSERT INTO webhook_endpoints (id, workspace_id, name, url, all_business_numbers, event_types, auth_type,
				    body_format, ordering, retry_on_timeout, enabled, secret_enc, created_at, updated_at)
				VALUES ('wh_GONE', 'ws_P', 'Gone', 'https://receiver.example/gone', true, '{chat.assigned}', 'none', 'json',
				        'per_chat', true, true, 'sealed', now(), now())
				""").update();
		String delivery = Ids.next("dlv");
		jdbc.sql("""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, ordered, status, attempts,
				    created_at, updated_at)
				VALUES (:id, 'ws_P', 'wh_GONE', 'evt_legacy', 'chat.assigned', false, 'failed', 1, now(), now());
				INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome,
				    request_headers, duration_ms, node, started_at)
				VALUES (:attempt, :id, 'ws_P', 'wh_GONE', 1, 'scheduled', 'timeout', '{}', 10000, 'n', now());
				""").param("id", delivery).param("attempt", Ids.next("att")).update();

		jdbc.sql("DELETE FROM webhook_endpoints WHERE id = 'wh_GONE'").update();

		assertThat(jdbc.sql("SELECT count(*) FROM deliveries WHERE endpoint_id = 'wh_GONE'").query(Long.class).single()).isZero();
		assertThat(jdbc.sql("SELECT count(*) FROM delivery_attempts WHERE endpoint_id = 'wh_GONE'").query(Long.class).single()).isZero();
	}
}
