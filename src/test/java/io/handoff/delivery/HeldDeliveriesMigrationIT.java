package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.handoff.platform.Ids;
import io.handoff.support.FreshDatabase;

/**
 * V21: a delivery being sent becomes a pending one under its lease. A database at V20 with a delivery in flight, one
 * waiting and one done migrates with the lease kept (its node still holds it, and a claim takes it once the lease runs
 * out), the others unchanged, and no index left on the lease columns.
 */
class HeldDeliveriesMigrationIT {

	@Test
	void aDeliveryInFlightBecomesPendingUnderTheSameLease() {
		String url = FreshDatabase.create("held");
		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("20").load().migrate();
		JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url));
		String event = Ids.next("evt");
		String sending = Ids.next(DeliveryId.PREFIX);
		String waiting = Ids.next(DeliveryId.PREFIX);
		String done = Ids.next(DeliveryId.PREFIX);
		jdbc.sql("""
				INSERT INTO workspaces (id, name, created_at) VALUES ('ws_H', 'Held', now());
				INSERT INTO webhook_endpoints (id, workspace_id, name, url, all_business_numbers, event_types, auth_type,
				    body_format, ordering, retry_on_timeout, enabled, secret_enc, created_at, updated_at)
				VALUES ('wh_H', 'ws_H', 'CRM', 'https://receiver.example/', true, '{chat.assigned}', 'none', 'json',
				        'per_chat', true, true, 'sealed', now(), now());
				INSERT INTO events (id, workspace_id, type, payload, occurred_at)
				VALUES (:event, 'ws_H', 'chat.assigned', '{}', now());
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
				    status, attempts, next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at, completed_at)
				VALUES (:sending, 'ws_H', 'wh_H', :event, 'chat.assigned', 'chat_H', 1, true, 'in_flight', 0,
				        now() - interval '1 second', 'node-a', now() + interval '12 seconds', now(), now(), NULL),
				       (:waiting, 'ws_H', 'wh_H', :event, 'chat.assigned', 'chat_H', 2, true, 'pending', 1,
				        now() + interval '5 minutes', NULL, NULL, now(), now(), NULL),
				       (:done, 'ws_H', 'wh_H', :event, 'chat.assigned', 'chat_H', 0, true, 'succeeded', 1,
				        NULL, NULL, NULL, now(), now(), now());
				""")
			.param("event", event)
			.param("sending", sending)
			.param("waiting", waiting)
			.param("done", done)
			.update();

		Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();

		assertThat(row(jdbc, sending)).isEqualTo("pending node-a true");
		assertThat(row(jdbc, waiting)).isEqualTo("pending - false");
		assertThat(row(jdbc, done)).isEqualTo("succeeded - false");
		assertThatThrownBy(() -> jdbc.sql("UPDATE deliveries SET status = 'in_flight' WHERE id = :id")
			.param("id", waiting)
			.update()).hasMessageContaining("deliveries_status_check");
		assertThat(jdbc.sql("""
				SELECT count(*) FROM pg_indexes
				WHERE tablename = 'deliveries' AND (indexdef LIKE '%lease%' OR indexdef LIKE '%in_flight%')
				""").query(Long.class).single()).as("indexes on the lease columns or the old status").isZero();
	}

	private static String row(JdbcClient jdbc, String id) {
		return jdbc.sql("""
				SELECT status || ' ' || coalesce(lease_owner, '-') || ' ' || (lease_expires_at IS NOT NULL)
				FROM deliveries WHERE id = :id""").param("id", id).query(String.class).single();
	}
}
