package io.handoff.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Grows a workspace by SQL to a given size: customers and their chats, events, deliveries to a few endpoints with an
 * attempt for each finished one, and a message per chat, dated over {@code days} up to now, with ids in the project's ULID format (their time prefix is
 * the row's creation time, as {@code Ids} makes them). A second, small workspace shares the tables, as tenants do.
 * Used by the query-plan tests and by {@code bench/scale.sh}.
 */
public final class ScaleData {

	public static final String WORKSPACE = "ws_SCALE";
	public static final String OTHER_WORKSPACE = "ws_SCALEOTHER";
	public static final String NUMBER = "bn_SCALE";
	public static final String AGENT = "usr_SCALE07";
	public static final int ENDPOINTS = 5;
	public static final String BOT = "bot_SCALE";

	/**
	 * Sizes: chats (and customers), events, deliveries (spread over the endpoints), and the days they span; the
	 * assignment history has a change for each of the first {@code assignments} events.
	 */
	public record Sizes(int chats, int events, int deliveries, int days, int assignments) {

		public Sizes(int chats, int events, int deliveries, int days) {
			this(chats, events, deliveries, days, events);
		}
	}

	private ScaleData() {
	}

	public static String endpoint(int i) {
		return "wh_SCALE" + i;
	}

	/** Adds the rows, then analyzes the tables so the planner knows their sizes. */
	public static void grow(Connection connection, Sizes sizes) throws SQLException {
		try (Statement sql = connection.createStatement()) {
			sql.execute("""
					CREATE OR REPLACE FUNCTION pg_temp.ulid(prefix text, at timestamptz, n bigint) RETURNS text
					LANGUAGE sql IMMUTABLE AS $$
					    SELECT prefix || '_'
					        || (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
					                   ((floor(extract(epoch FROM at) * 1000)::bigint >> (5 * (9 - i))) & 31)::int + 1, 1), ''
					                   ORDER BY i) FROM generate_series(0, 9) i)
					        || (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',
					                   (((n * 2654435761) >> (5 * (15 - i) % 60)) & 31)::int + 1, 1), '' ORDER BY i)
					            FROM generate_series(0, 15) i)
					$$""");
			String now = "timestamptz '" + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + "'";
			sql.execute("""
					INSERT INTO workspaces (id, name, created_at) VALUES
					    ('%1$s', 'Scale', now()), ('%2$s', 'Scale neighbour', now());
					INSERT INTO roles (id, workspace_id, name, base, built_in) VALUES
					    ('role_SCALE', '%1$s', 'Team member', 'team_member', true);
					INSERT INTO business_numbers (id, workspace_id, number, display_name, created_at) VALUES
					    ('%3$s', '%1$s', '+919800000000', 'Scale', now()),
					    ('bn_SCALE2', '%1$s', '+919800000001', 'Scale 2', now()),
					    ('bn_SCALEOTHER', '%2$s', '+919800000002', 'Neighbour', now());
					INSERT INTO members (id, workspace_id, name, email, org_role_id, created_at)
					SELECT 'usr_SCALE' || lpad(i::text, 2, '0'), '%1$s', 'Agent ' || i, 'agent' || i || '@scale.example',
					       'role_SCALE', now()
					FROM generate_series(0, 49) i;
					INSERT INTO webhook_endpoints (id, workspace_id, name, url, all_business_numbers, event_types, auth_type,
					    body_format, ordering, retry_on_timeout, enabled, secret_enc, created_at, updated_at)
					SELECT 'wh_SCALE' || i, '%1$s', 'Endpoint ' || i, 'https://receiver.example/' || i, true,
					       '{chat.assigned}', 'none', 'json', 'per_chat', true, true, 'sealed', now(), now()
					FROM generate_series(0, %4$d - 1) i;
					""".formatted(WORKSPACE, OTHER_WORKSPACE, NUMBER, ENDPOINTS));
			// The history's months have their partitions, as the nodes would have made them month by month (unless
			// the tables are still as they were before partitions, for a migration to be measured).
			sql.execute("""
					DO $$ BEGIN
					IF to_regprocedure('history_partition(text, date)') IS NOT NULL THEN
					    PERFORM history_partition(h.name, m::date) FROM history_tables h,
					        generate_series(date_trunc('month', %1$s - interval '%2$d days'), %1$s, interval '1 month') m;
					END IF;
					END $$
					""".formatted(now, sizes.days()));
			// Row n of each kind is made at an even step through the period, oldest first; the neighbour workspace
			// gets one chat and one event in fifty.
			sql.execute("""
					CREATE TEMP TABLE scale_chats AS
					SELECT n, pg_temp.ulid('chat', t, n) AS id, pg_temp.ulid('cus', t, n) AS customer_id, t,
					       CASE WHEN n %% 50 = 0 THEN '%2$s' ELSE '%1$s' END AS workspace_id
					FROM generate_series(0, %3$d - 1) n,
					     LATERAL (SELECT %4$s - interval '%5$d days' + interval '%5$d days' * n / %3$d AS t) x;
					ALTER TABLE scale_chats ADD PRIMARY KEY (n);
					INSERT INTO customers (id, workspace_id, name, phone, wa_id, created_at)
					SELECT customer_id, workspace_id, 'Customer ' || n, '+9197' || lpad(n::text, 8, '0'),
					       '9197' || lpad(n::text, 8, '0'), t
					FROM scale_chats;
					INSERT INTO chats (id, workspace_id, business_number_id, customer_id, status, assignee_id, sequence,
					    created_at, updated_at, last_activity_at)
					SELECT id, workspace_id,
					       CASE WHEN workspace_id = '%2$s' THEN 'bn_SCALEOTHER' WHEN n %% 2 = 0 THEN '%6$s' ELSE 'bn_SCALE2' END,
					       customer_id, CASE WHEN n %% 5 = 0 THEN 'open' ELSE 'closed' END,
					       CASE WHEN workspace_id = '%1$s' THEN 'usr_SCALE' || lpad((n %% 50)::text, 2, '0') END, 1, t, t, t
					FROM scale_chats;
					INSERT INTO messages (id, workspace_id, chat_id, direction, type, body, sent_at, created_at)
					SELECT pg_temp.ulid('msg', t, n), workspace_id, id, 'inbound', 'text', 'Hello', t, t FROM scale_chats;
					""".formatted(WORKSPACE, OTHER_WORKSPACE, sizes.chats(), now, sizes.days(), NUMBER));
			// A bot's runs: one per chat of the workspace, one in a hundred failed.
			sql.execute("""
					INSERT INTO bots (id, workspace_id, name, status, trigger_type, variables, steps, created_at, updated_at)
					VALUES ('%1$s', '%2$s', 'Lead router', 'active', 'incoming_message', '[]', '[]', now(), now());
					INSERT INTO bot_runs (id, workspace_id, bot_id, trigger, input, status, steps, error, created_at,
					    started_at, finished_at)
					SELECT pg_temp.ulid('run', t, n), workspace_id, '%1$s', 'incoming_message', '{"lead": "' || n || '"}',
					       CASE WHEN n %% 100 = 7 THEN 'failed' ELSE 'succeeded' END, '[]',
					       CASE WHEN n %% 100 = 7 THEN 'The CRM answered 500' END, t, t, t
					FROM scale_chats WHERE workspace_id = '%2$s' ORDER BY n;
					""".formatted(BOT, WORKSPACE));
			// Events: about the chats in order, each of four kinds in turn, with a payload of about 300 bytes.
			sql.execute("""
					CREATE TEMP TABLE scale_events AS
					SELECT g.i AS n, pg_temp.ulid('evt', c.t, g.i) AS id, c.workspace_id, c.id AS chat_id, c.t,
					       (ARRAY['chat.assigned', 'chat.unassigned', 'chat.resolved', 'chat.reopened'])[g.i %% 4 + 1] AS type
					FROM generate_series(0, %1$d - 1) g (i)
					JOIN scale_chats c ON c.n = g.i::bigint * %2$d / %1$d;
					ALTER TABLE scale_events ADD PRIMARY KEY (n);
					INSERT INTO events (id, workspace_id, type, chat_id, sequence, business_number_id, payload, occurred_at)
					SELECT id, workspace_id, type, chat_id, n %% 7, '%3$s',
					       '{"id":"' || id || '","type":"' || type || '","data":{"note":"' || repeat('x', 200) || '"}}', t
					FROM scale_events ORDER BY n;
					""".formatted(sizes.events(), sizes.chats(), NUMBER));
			// The assignment history: a change for each event (up to the size asked), by the four sources in turn, between agents.
			sql.execute("""
					INSERT INTO assignment_history (id, workspace_id, chat_id, sequence, from_member_id, to_member_id,
					    source, actor_type, actor_name, occurred_at)
					SELECT pg_temp.ulid('asg', t, n), workspace_id, chat_id, n,
					       CASE WHEN workspace_id = '%1$s' THEN 'usr_SCALE' || lpad(((n + 1) %% 50)::text, 2, '0') END,
					       CASE WHEN workspace_id = '%1$s' THEN 'usr_SCALE' || lpad((n %% 50)::text, 2, '0') END,
					       (ARRAY['manual', 'bot_workflow', 'ai_bot', 'api'])[n %% 4 + 1], 'user', 'Agent', t
					FROM scale_events WHERE n < %2$d ORDER BY n;
					""".formatted(WORKSPACE, sizes.assignments()));
			// Deliveries: of the workspace's events in turn, each to the next endpoint; mostly succeeded, one in a
			// hundred failed, the newest fifty pending.
			sql.execute("""
					INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
					    status, attempts, next_attempt_at, created_at, updated_at, completed_at)
					SELECT pg_temp.ulid('dlv', e.t, d), e.workspace_id, 'wh_SCALE' || (d %% %2$d), e.id, e.type, e.chat_id,
					       e.n %% 7, true,
					       CASE WHEN d >= %3$d - 50 THEN 'pending' WHEN d %% 100 = 7 THEN 'failed' ELSE 'succeeded' END, 1,
					       CASE WHEN d >= %3$d - 50 THEN e.t END, e.t, e.t, CASE WHEN d < %3$d - 50 THEN e.t END
					FROM generate_series(0, %3$d - 1) d
					JOIN scale_events e ON e.n = d::bigint * %4$d / %3$d
					WHERE e.workspace_id = '%1$s'
					ORDER BY d;
					INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome, status,
					    request_headers, duration_ms, node, started_at)
					SELECT pg_temp.ulid('att', created_at, row_number() OVER ()), id, workspace_id, endpoint_id, 1, 'scheduled',
					       CASE status WHEN 'failed' THEN 'http_error' ELSE 'success' END,
					       CASE status WHEN 'failed' THEN 500 ELSE 200 END, '{"content-type": "application/json"}', 12, 'scale',
					       created_at
					FROM deliveries WHERE workspace_id = '%1$s' AND status IN ('succeeded', 'failed');
					DROP TABLE scale_events;
					DROP TABLE scale_chats;
					""".formatted(WORKSPACE, ENDPOINTS, sizes.deliveries(), sizes.events()));
			sql.execute("ANALYZE");
		}
	}
}
