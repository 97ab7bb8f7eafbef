package io.handoff.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.Ids;
import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The deliveries and delivery_attempts tables: the queue, its claims and leases, and the attempt log. */
@Repository
class Deliveries {

	static final String CHANNEL = "handoff_deliveries";

	/**
	 * The endpoints that have pending deliveries, one index probe each (a loose index scan): as cheap with a backlog
	 * of millions as with none.
	 */
	private static final String PENDING_ENDPOINTS = """
			(SELECT endpoint_id FROM deliveries WHERE status = 'pending' ORDER BY endpoint_id LIMIT 1)
			UNION ALL
			SELECT (SELECT d.endpoint_id FROM deliveries d
			        WHERE d.status = 'pending' AND d.endpoint_id > e.endpoint_id ORDER BY d.endpoint_id LIMIT 1)
			FROM due_endpoints e WHERE e.endpoint_id IS NOT NULL
			""";

	private final JdbcClient jdbc;
	private final JdbcTemplate jdbcTemplate;
	private final org.springframework.transaction.support.TransactionTemplate transactions;
	private final io.handoff.platform.Notifications notifications;

	Deliveries(JdbcClient jdbc, JdbcTemplate jdbcTemplate,
			org.springframework.transaction.support.TransactionTemplate transactions,
			io.handoff.platform.Notifications notifications) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.transactions = transactions;
		this.notifications = notifications;
	}

	/** A delivery to create: one event for one endpoint, due at once. */
	record NewDelivery(DeliveryId id, WorkspaceId workspace, String endpointId, String eventId, String eventType,
			String chatId, Long sequence, boolean ordered, boolean test) {
	}

	/** Creates a delivery already held by {@code node} until {@code leaseUntil}: a test send, made at once. */
	void insertHeld(NewDelivery d, String node, Instant leaseUntil, Instant at) {
		jdbc.sql("""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
				                        test, status, next_attempt_at, lease_owner, lease_expires_at, created_at,
				                        updated_at)
				VALUES (:id, :workspace, :endpoint, :event, :type, :chat, :sequence, :ordered, :test, 'pending', :at,
				        :node, :leaseUntil, :at, :at)
				""")
			.param("id", d.id().value())
			.param("workspace", d.workspace().value())
			.param("endpoint", d.endpointId())
			.param("event", d.eventId())
			.param("type", d.eventType())
			.param("chat", d.chatId())
			.param("sequence", d.sequence())
			.param("ordered", d.ordered())
			.param("test", d.test())
			.param("node", node)
			.param("leaseUntil", SqlValues.timestamp(leaseUntil))
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	/** Creates many pending deliveries in one round trip. */
	void insertPending(List<NewDelivery> batch, Instant at) {
		jdbcTemplate.batchUpdate("""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered,
				                        test, status, next_attempt_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
				""", batch, batch.size(), (ps, d) -> {
			ps.setString(1, d.id().value());
			ps.setString(2, d.workspace().value());
			ps.setString(3, d.endpointId());
			ps.setString(4, d.eventId());
			ps.setString(5, d.eventType());
			ps.setString(6, d.chatId());
			ps.setObject(7, d.sequence(), java.sql.Types.BIGINT);
			ps.setBoolean(8, d.ordered());
			ps.setBoolean(9, d.test());
			ps.setObject(10, SqlValues.timestamp(at));
			ps.setObject(11, SqlValues.timestamp(at));
			ps.setObject(12, SqlValues.timestamp(at));
		});
	}

	/** Wakes every dispatcher listening, when the surrounding transaction commits (never if it rolls back). */
	void notifyDispatchers() {
		notifications.wake(CHANNEL);
	}

	/** A delivery this node holds a lease on, with what it needs to send it. */
	record Claimed(DeliveryId id, WorkspaceId workspace, String endpointId, String eventId, String eventType,
			String chatId, int attempts, boolean manual, boolean ordered, String payload) {
	}

	/**
	 * A pending delivery nobody holds: never leased, given back, or its lease ran out (its node died or stalled), in
	 * which case it is taken over where it stands in the queue.
	 */
	private static final String UNHELD = "(%1$s.lease_owner IS NULL OR %1$s.lease_expires_at < :now)";

	/**
	 * Claims due deliveries in one statement: per endpoint no more than fill its {@code perEndpoint} slots given what
	 * this node has in flight ({@code busy}), for ordered endpoints only a chat's earliest outstanding event, rows
	 * other nodes hold skipped rather than waited for.
	 * <p>
	 * A claim sets the lease and nothing any index holds, so each claimed row is a heap-only update (V21): setting
	 * {@code status} made each one a new tuple plus an entry in every one of the table's indexes.
	 * <p>
	 * Rows are locked where they are found, per endpoint, and the update joins them by primary key alone. An earlier
	 * form locked them in a second pass ({@code id IN (candidates) AND status = 'pending'}); with statistics taken
	 * while nothing was pending, the planner read that as a scan of every pending row, and a slow endpoint's growing
	 * backlog made each claim slower for all endpoints (40 ms at 4,000 pending rows, seen with auto_explain).
	 */
	List<Claimed> claim(String node, Instant now, Instant leaseUntil, int batch, int perEndpoint,
			Map<String, Integer> busy) {
		String[] busyIds = busy.keySet().toArray(String[]::new);
		Integer[] busyCounts = java.util.Arrays.stream(busyIds).map(busy::get).toArray(Integer[]::new);
		String[] saturated = busy.entrySet()
			.stream()
			.filter(e -> e.getValue() >= perEndpoint)
			.map(Map.Entry::getKey)
			.toArray(String[]::new);
		// A plan made for these parameters, every time: a generic plan, which the driver's prepared statements get
		// after a few runs, misjudged a large backlog and kept one core busy on the claim (bench/backlog.sh).
		return transactions.execute(status -> {
			jdbc.sql("SET LOCAL plan_cache_mode = force_custom_plan").update();
			return claimStatement(node, now, leaseUntil, batch, perEndpoint, busyIds, busyCounts, saturated);
		});
	}

	private List<Claimed> claimStatement(String node, Instant now, Instant leaseUntil, int batch, int perEndpoint,
			String[] busyIds, Integer[] busyCounts, String[] saturated) {
		return jdbc.sql("""
				WITH RECURSIVE due_endpoints (endpoint_id) AS (""" + PENDING_ENDPOINTS + """
				),
				candidates AS MATERIALIZED (
				    SELECT c.id, c.next_attempt_at
				    FROM due_endpoints e
				    LEFT JOIN unnest(CAST(:busyIds AS text[]), CAST(:busyCounts AS integer[])) AS b (endpoint_id, n)
				           ON b.endpoint_id = e.endpoint_id
				    CROSS JOIN LATERAL (
				        SELECT p.id, p.next_attempt_at FROM deliveries p
				        WHERE p.endpoint_id = e.endpoint_id AND p.status = 'pending' AND p.next_attempt_at <= :now
				          AND """ + UNHELD.formatted("p") + """
				          AND (NOT p.ordered OR p.chat_id IS NULL OR NOT EXISTS (
				              SELECT 1 FROM deliveries o
				              WHERE o.endpoint_id = p.endpoint_id AND o.chat_id = p.chat_id AND o.ordered
				                AND o.status = 'pending' AND o.sequence < p.sequence))
				        ORDER BY p.next_attempt_at
				        LIMIT greatest(:perEndpoint - coalesce(b.n, 0), 0)
				        FOR UPDATE OF p SKIP LOCKED) c
				    WHERE e.endpoint_id IS NOT NULL AND NOT (e.endpoint_id = ANY (:saturated))),
				chosen AS MATERIALIZED (SELECT id FROM candidates ORDER BY next_attempt_at LIMIT :batch)
				UPDATE deliveries d
				SET lease_owner = :node, lease_expires_at = :leaseUntil, updated_at = :now, version = d.version + 1
				FROM chosen c, events ev
				WHERE d.id = c.id AND ev.id = d.event_id
				RETURNING d.id, d.workspace_id, d.endpoint_id, d.event_id, d.event_type, d.chat_id, d.attempts,
				          d.manual, d.ordered, ev.payload
				""")
			.param("node", node)
			.param("now", SqlValues.timestamp(now))
			.param("leaseUntil", SqlValues.timestamp(leaseUntil))
			.param("saturated", saturated)
			.param("busyIds", busyIds)
			.param("busyCounts", busyCounts)
			.param("perEndpoint", perEndpoint)
			.param("batch", batch)
			.query((rs, n) -> new Claimed(new DeliveryId(rs.getString("id")), new WorkspaceId(rs.getString("workspace_id")),
					rs.getString("endpoint_id"), rs.getString("event_id"), rs.getString("event_type"),
					rs.getString("chat_id"), rs.getInt("attempts"), rs.getBoolean("manual"), rs.getBoolean("ordered"),
					rs.getString("payload")))
			.list();
	}

	/**
	 * The heartbeat: extends the leases this node holds on {@code ids}, skipping those locked by the recorder's batch
	 * (they are being finished; waiting could deadlock with a batch that locks them in another order).
	 */
	void renewLeases(String node, Collection<DeliveryId> ids, Instant until) {
		jdbc.sql("""
				UPDATE deliveries SET lease_expires_at = :until
				WHERE id IN (SELECT id FROM deliveries
				             WHERE id = ANY (:ids) AND status = 'pending' AND lease_owner = :node
				               AND lease_expires_at < :until
				             FOR UPDATE SKIP LOCKED)
				""")
			.param("node", node)
			.param("ids", values(ids))
			.param("until", SqlValues.timestamp(until))
			.update();
	}

	/** Gives back, due now, those of {@code ids} this node still holds: it is stopping, and another node should send them. */
	int releaseHeld(String node, Collection<DeliveryId> ids, Instant now) {
		if (ids.isEmpty()) {
			return 0;
		}
		int released = jdbc.sql("""
				UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL, updated_at = :now,
				    version = version + 1
				WHERE id = ANY (:ids) AND status = 'pending' AND lease_owner = :node
				""")
			.param("node", node)
			.param("ids", values(ids))
			.param("now", SqlValues.timestamp(now))
			.update();
		if (released > 0) {
			notifications.wake(CHANNEL);
		}
		return released;
	}

	private static String[] values(Collection<DeliveryId> ids) {
		return ids.stream().map(DeliveryId::value).toArray(String[]::new);
	}

	/** When the next delivery nobody holds falls due. */
	Optional<Instant> nextDue(Instant now) {
		return jdbc.sql("WITH RECURSIVE due_endpoints (endpoint_id) AS (" + PENDING_ENDPOINTS + """
				)
				SELECT min(n.next_attempt_at) AS due FROM due_endpoints e
				CROSS JOIN LATERAL (SELECT next_attempt_at FROM deliveries p
				                    WHERE p.endpoint_id = e.endpoint_id AND p.status = 'pending'
				                      AND """ + UNHELD.formatted("p") + """
				                    ORDER BY p.next_attempt_at LIMIT 1) n
				WHERE e.endpoint_id IS NOT NULL
				""")
			.param("now", SqlValues.timestamp(now))
			.query((rs, n) -> SqlValues.instant(rs, "due"))
			.optional();
	}

	/**
	 * Records the outcome of a try on a delivery this node still holds. False when the lease was lost meanwhile (the
	 * delivery expired and was taken over), in which case nothing changes.
	 */
	boolean finish(DeliveryId id, String node, Delivery.Status status, int attempts, Instant nextAttemptAt,
			String outcome, Integer httpStatus, Instant now) {
		boolean done = status == Delivery.Status.SUCCEEDED || status == Delivery.Status.FAILED;
		return jdbc.sql("""
				UPDATE deliveries SET status = :status, attempts = :attempts, next_attempt_at = :next,
				    last_outcome = :outcome, last_status = :httpStatus, lease_owner = NULL, lease_expires_at = NULL,
				    manual = false, updated_at = :now, completed_at = :completed, version = version + 1
				WHERE id = :id AND status = 'pending' AND lease_owner = :node
				""")
			.param("id", id.value())
			.param("node", node)
			.param("status", status.dbValue())
			.param("attempts", attempts)
			.param("next", SqlValues.timestamp(nextAttemptAt))
			.param("outcome", outcome)
			.param("httpStatus", httpStatus)
			.param("now", SqlValues.timestamp(now))
			.param("completed", done ? SqlValues.timestamp(now) : null)
			.update() == 1;
	}

	/** An attempt to log. Header maps are JSON objects. */
	record NewAttempt(DeliveryId deliveryId, WorkspaceId workspace, String endpointId, int attempt, String trigger,
			String outcome, Integer status, String requestHeaders, String requestBody, String responseHeaders,
			String responseBody, String error, long durationMs, String node, Instant startedAt) {
	}

	/** Logs many attempts in one round trip. */
	void insertAttempts(List<NewAttempt> attempts) {
		jdbcTemplate.batchUpdate("""
				INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome,
				    status, request_headers, request_body, response_headers, response_body, error, duration_ms, node,
				    started_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, CAST(? AS jsonb), ?, ?, ?, ?, ?)
				""", attempts, attempts.size(), (ps, a) -> {
			ps.setString(1, Ids.next("att"));
			ps.setString(2, a.deliveryId().value());
			ps.setString(3, a.workspace().value());
			ps.setString(4, a.endpointId());
			ps.setInt(5, a.attempt());
			ps.setString(6, a.trigger());
			ps.setString(7, a.outcome());
			ps.setObject(8, a.status(), java.sql.Types.INTEGER);
			ps.setString(9, a.requestHeaders());
			ps.setString(10, a.requestBody());
			ps.setString(11, a.responseHeaders());
			ps.setString(12, a.responseBody());
			ps.setString(13, a.error());
			ps.setInt(14, (int) Math.min(Integer.MAX_VALUE, a.durationMs()));
			ps.setString(15, a.node());
			ps.setObject(16, SqlValues.timestamp(a.startedAt()));
		});
	}

	/** Marks many deliveries this node holds as succeeded; answers, per delivery, whether its lease still held. */
	boolean[] succeedAll(List<Succeeded> succeeded, String node, Instant now) {
		int[][] counts = jdbcTemplate.batchUpdate("""
				UPDATE deliveries SET status = 'succeeded', attempts = ?, next_attempt_at = NULL, last_outcome = 'success',
				    last_status = ?, lease_owner = NULL, lease_expires_at = NULL, manual = false, updated_at = ?,
				    completed_at = ?, version = version + 1
				WHERE id = ? AND status = 'pending' AND lease_owner = ?
				""", succeeded, succeeded.size(), (ps, d) -> {
			ps.setInt(1, d.attempts());
			ps.setObject(2, d.httpStatus(), java.sql.Types.INTEGER);
			ps.setObject(3, SqlValues.timestamp(now));
			ps.setObject(4, SqlValues.timestamp(now));
			ps.setString(5, d.id().value());
			ps.setString(6, node);
		});
		boolean[] held = new boolean[succeeded.size()];
		int i = 0;
		for (int[] batch : counts) {
			for (int count : batch) {
				// The driver may not know the count of a batched statement; then the lease is taken to have held.
				held[i++] = count == 1 || count == java.sql.Statement.SUCCESS_NO_INFO;
			}
		}
		return held;
	}

	record Succeeded(DeliveryId id, int attempts, Integer httpStatus) {
	}

	void insertAttempt(NewAttempt a) {
		jdbc.sql("""
				INSERT INTO delivery_attempts (id, delivery_id, workspace_id, endpoint_id, attempt, trigger, outcome,
				    status, request_headers, request_body, response_headers, response_body, error, duration_ms, node,
				    started_at)
				VALUES (:id, :delivery, :workspace, :endpoint, :attempt, :trigger, :outcome, :status,
				    CAST(:requestHeaders AS jsonb), :requestBody, CAST(:responseHeaders AS jsonb), :responseBody, :error,
				    :duration, :node, :startedAt)
				""")
			.param("id", Ids.next("att"))
			.param("delivery", a.deliveryId().value())
			.param("workspace", a.workspace().value())
			.param("endpoint", a.endpointId())
			.param("attempt", a.attempt())
			.param("trigger", a.trigger())
			.param("outcome", a.outcome())
			.param("status", a.status())
			.param("requestHeaders", a.requestHeaders())
			.param("requestBody", a.requestBody())
			.param("responseHeaders", a.responseHeaders())
			.param("responseBody", a.responseBody())
			.param("error", a.error())
			.param("duration", (int) Math.min(Integer.MAX_VALUE, a.durationMs()))
			.param("node", a.node())
			.param("startedAt", SqlValues.timestamp(a.startedAt()))
			.update();
	}

	/** Makes every delivery of the endpoint that waits for a later try due now; answers how many. */
	int bringForward(String endpointId, Instant now) {
		return jdbc.sql("""
				UPDATE deliveries SET next_attempt_at = :now, updated_at = :now, version = version + 1
				WHERE endpoint_id = :endpoint AND status = 'pending' AND next_attempt_at > :now
				""")
			.param("endpoint", endpointId)
			.param("now", SqlValues.timestamp(now))
			.update();
	}

	/** Fails every delivery of the endpoint that is waiting for its next try. */
	int failPending(WorkspaceId workspace, String endpointId, String outcome, Instant now) {
		return jdbc.sql("""
				UPDATE deliveries SET status = 'failed', last_outcome = :outcome, next_attempt_at = NULL, manual = false,
				    completed_at = :now, updated_at = :now, version = version + 1
				WHERE workspace_id = :workspace AND endpoint_id = :endpoint AND status = 'pending'
				  AND lease_owner IS NULL
				""")
			.param("workspace", workspace.value())
			.param("endpoint", endpointId)
			.param("outcome", outcome)
			.param("now", SqlValues.timestamp(now))
			.update();
	}

	/** Queues a manual try of one finished or waiting delivery; false when it is being sent right now. */
	boolean requeueManually(WorkspaceId workspace, DeliveryId id, Instant now) {
		return jdbc.sql("""
				UPDATE deliveries SET status = 'pending', manual = true, next_attempt_at = :now, completed_at = NULL,
				    updated_at = :now, version = version + 1
				WHERE workspace_id = :workspace AND id = :id AND lease_owner IS NULL
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("now", SqlValues.timestamp(now))
			.update() == 1;
	}

	/** A slice of a recover: how many were queued, and the last id it reached (null when nothing was left). */
	record Requeued(int count, String lastId) {
	}

	/**
	 * Queues a manual try of up to {@code limit} failed deliveries of the endpoint created since {@code since}, the
	 * oldest first after {@code afterId}. A recover is made of such slices, each committed on its own: one statement
	 * over a million rows held its uncommitted index entries for its whole length, and every claim meanwhile stepped
	 * over them (seconds per claim). The cursor keeps a slice from queueing again what an earlier one queued and
	 * failed since.
	 */
	Requeued requeueFailed(WorkspaceId workspace, String endpointId, Instant since, String afterId, int limit,
			Instant now) {
		List<String> ids = jdbc.sql("""
				WITH slice AS (
				    SELECT id FROM deliveries
				    WHERE endpoint_id = :endpoint AND status = 'failed' AND id > :after AND workspace_id = :workspace
				      AND NOT test AND created_at >= :since
				    ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
				UPDATE deliveries d SET status = 'pending', manual = true, next_attempt_at = :now, completed_at = NULL,
				    updated_at = :now, version = d.version + 1
				FROM slice WHERE d.id = slice.id
				RETURNING d.id
				""")
			.param("workspace", workspace.value())
			.param("endpoint", endpointId)
			.param("since", SqlValues.timestamp(since))
			.param("after", afterId == null ? DeliveryId.firstAt(since) : afterId)
			.param("limit", limit)
			.param("now", SqlValues.timestamp(now))
			.query(String.class)
			.list();
		return new Requeued(ids.size(), ids.stream().max(String::compareTo).orElse(null));
	}

	List<Delivery> list(WorkspaceId workspace, DeliveryService.Filter filter, PageRequest page) {
		return listQuery(workspace, filter, page).on(jdbc).query((rs, n) -> map(rs, List.of())).list();
	}

	/**
	 * The delivery log's statement for the filters given. Each filter the API offers has an index with the list's
	 * order: by endpoint ({@code deliveries_endpoint}), endpoint and status, status alone, chat, event, event type.
	 * A period is also bounded by id ({@link DeliveryId#firstAt}): the id range walks the order's own index instead of
	 * filtering every row back to the period's end.
	 */
	static ListQuery listQuery(WorkspaceId workspace, DeliveryService.Filter filter,
			PageRequest page) {
		return ListQuery.select("SELECT * FROM deliveries")
			.where("workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.and("endpoint_id = :endpoint", "endpoint", filter.endpointId() == null ? null : filter.endpointId().value())
			.andIf(filter.status() != null, filter.status() == null ? null : stored(filter.status()))
			.and("event_type = :type", "type", filter.eventType())
			.and("chat_id = :chat", "chat", filter.chatId())
			.and("event_id = :event", "event", filter.eventId())
			.and("created_at >= :since", "since", SqlValues.timestamp(filter.since()))
			.and("id >= :sinceId", "sinceId", filter.since() == null ? null : DeliveryId.firstAt(filter.since()))
			.and("created_at < :until", "until", SqlValues.timestamp(filter.until()))
			.and("id < :untilId", "untilId", filter.until() == null ? null : DeliveryId.after(filter.until()))
			.newestFirst("id", page);
	}

	/**
	 * How each status the log shows is stored. A delivery being sent is a pending one under a lease (V21); each
	 * condition is written into the statement, so each status has a plan made for how common it is.
	 */
	private static String stored(Delivery.Status status) {
		return switch (status) {
			case PENDING -> "status = 'pending' AND lease_owner IS NULL";
			case IN_FLIGHT -> "status = 'pending' AND lease_owner IS NOT NULL";
			case SUCCEEDED -> "status = 'succeeded'";
			case FAILED -> "status = 'failed'";
		};
	}

	Optional<Delivery> find(WorkspaceId workspace, DeliveryId id) {
		return jdbc.sql("SELECT * FROM deliveries WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query((rs, n) -> map(rs, List.of()))
			.optional();
	}

	List<Delivery.Attempt> attempts(DeliveryId id) {
		return jdbc.sql("""
				SELECT a.*, coalesce(a.request_body, ev.payload) AS body
				FROM delivery_attempts a
				JOIN deliveries d ON d.id = a.delivery_id
				JOIN events ev ON ev.id = d.event_id
				WHERE a.delivery_id = :id ORDER BY a.attempt, a.started_at
				""")
			.param("id", id.value())
			.query((rs, n) -> new Delivery.Attempt(rs.getString("id"), rs.getInt("attempt"), rs.getString("trigger"),
					rs.getString("outcome"), rs.getObject("status", Integer.class), rs.getString("request_headers"),
					rs.getString("body"), rs.getString("response_headers"), rs.getString("response_body"),
					rs.getString("error"), rs.getInt("duration_ms"), rs.getString("node"),
					SqlValues.instant(rs, "started_at")))
			.list();
	}

	/** Deletes, a batch at a time, attempts older than {@code cutoff}; answers how many went. */
	int deleteAttemptsBefore(Instant cutoff, int batch) {
		return jdbc.sql("""
				DELETE FROM delivery_attempts WHERE id IN (
				    SELECT id FROM delivery_attempts WHERE started_at < :cutoff LIMIT :batch FOR UPDATE SKIP LOCKED)
				""")
			.param("cutoff", SqlValues.timestamp(cutoff))
			.param("batch", batch)
			.update();
	}

	/** Deletes a batch of deliveries that finished before {@code cutoff}. */
	int deleteFinishedBefore(Instant cutoff, int batch) {
		return jdbc.sql("""
				DELETE FROM deliveries WHERE id IN (
				    SELECT id FROM deliveries WHERE completed_at < :cutoff AND status IN ('succeeded', 'failed')
				    LIMIT :batch FOR UPDATE SKIP LOCKED)
				""")
			.param("cutoff", SqlValues.timestamp(cutoff))
			.param("batch", batch)
			.update();
	}

	/** Deletes a batch of events (their payloads) older than {@code cutoff} that no delivery still needs. */
	int deleteEventsBefore(Instant cutoff, int batch) {
		return jdbc.sql("""
				DELETE FROM events WHERE id IN (
				    SELECT ev.id FROM events ev WHERE ev.occurred_at < :cutoff
				      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ev.id)
				    LIMIT :batch FOR UPDATE SKIP LOCKED)
				""")
			.param("cutoff", SqlValues.timestamp(cutoff))
			.param("batch", batch)
			.update();
	}

	/** One hour of an endpoint's attempts: how many, how many succeeded, and the 95th percentile of their duration. */
	record Hour(Instant hour, int attempts, int succeeded, double p95Ms) {
	}

	/** The endpoint-health statement of the delivery-log page (bench/scale.sh times it on its own). */
	static final String HOURLY = """
			SELECT date_trunc('hour', started_at) AS hour, count(*) AS attempts,
			       count(*) FILTER (WHERE outcome = 'success') AS succeeded,
			       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
			FROM delivery_attempts
			WHERE endpoint_id = :endpoint AND workspace_id = :workspace AND started_at >= :since AND started_at < :until
			GROUP BY 1 ORDER BY 1
			""";

	/** The endpoint's attempts that began from {@code since} until before {@code until}, an hour at a time. */
	List<Hour> hourly(WorkspaceId workspace, String endpointId, Instant since, Instant until) {
		return jdbc.sql(HOURLY)
			.param("endpoint", endpointId)
			.param("workspace", workspace.value())
			.param("since", SqlValues.timestamp(since))
			.param("until", SqlValues.timestamp(until))
			.query((rs, n) -> new Hour(SqlValues.instant(rs, "hour"), rs.getInt("attempts"), rs.getInt("succeeded"),
					rs.getDouble("p95")))
			.list();
	}

	/**
	 * Queue depth and age of the oldest due delivery, per endpoint, for metrics. The depth is counted up to
	 * {@link #BACKLOG_COUNT_CAP} per endpoint: the statement costs a few index probes per endpoint with pending work,
	 * not a read of every pending row (a count of 2,000,000 took 85 ms every ten seconds). Past the cap, the oldest
	 * delivery's age says how far behind the endpoint is.
	 */
	record Backlog(String endpointId, long due, Instant oldestDue) {
	}

	static final int BACKLOG_COUNT_CAP = 10_000;

	/** The queue-metrics statement (bench/scale.sh times it on its own). */
	static final String BACKLOG = """
			WITH RECURSIVE due_endpoints (endpoint_id) AS (""" + PENDING_ENDPOINTS + """
			)
			SELECT endpoint_id, due, oldest FROM (
			    SELECT e.endpoint_id,
			           (SELECT p.next_attempt_at FROM deliveries p
			            WHERE p.endpoint_id = e.endpoint_id AND p.status = 'pending' AND """ + UNHELD.formatted("p") + """
			            ORDER BY p.next_attempt_at LIMIT 1) AS oldest,
			           (SELECT count(*) FROM (
			                SELECT 1 FROM deliveries p
			                WHERE p.endpoint_id = e.endpoint_id AND p.status = 'pending' AND p.next_attempt_at <= :now
			                  AND """ + UNHELD.formatted("p") + """
			                LIMIT :cap) x) AS due
			    FROM due_endpoints e WHERE e.endpoint_id IS NOT NULL) b
			WHERE oldest <= :now
			""";

	List<Backlog> backlog(Instant now) {
		return jdbc.sql(BACKLOG)
			.param("now", SqlValues.timestamp(now))
			.param("cap", BACKLOG_COUNT_CAP)
			.query((rs, n) -> new Backlog(rs.getString("endpoint_id"), rs.getLong("due"), SqlValues.instant(rs, "oldest")))
			.list();
	}

	private static Delivery map(ResultSet rs, List<Delivery.Attempt> attempts) throws SQLException {
		Delivery.Status status = Delivery.Status.valueOf(rs.getString("status").toUpperCase());
		if (status == Delivery.Status.PENDING && rs.getString("lease_owner") != null) {
			status = Delivery.Status.IN_FLIGHT;
		}
		return new Delivery(new DeliveryId(rs.getString("id")), rs.getString("endpoint_id"), rs.getString("event_id"),
				rs.getString("event_type"), rs.getString("chat_id"), rs.getObject("sequence", Long.class), status,
				rs.getInt("attempts"),
				status == Delivery.Status.PENDING ? SqlValues.instant(rs, "next_attempt_at") : null,
				rs.getString("last_outcome"), rs.getObject("last_status", Integer.class), rs.getBoolean("test"),
				SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "completed_at"), attempts);
	}
}
