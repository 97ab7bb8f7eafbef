package io.handoff.studio;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.Notifications;
import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The bot_runs table: the queue of runs, their leases, and their logs. */
@Repository
class Runs {

	static final String CHANNEL = "handoff_runs";

	private final JdbcClient jdbc;
	private final JdbcTemplate jdbcTemplate;
	private final Notifications notifications;

	Runs(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Notifications notifications) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.notifications = notifications;
	}

	/** A webhook run to queue. */
	record NewWebhookRun(RunId id, WorkspaceId workspace, BotId bot, String requestId, String input, Instant at) {
	}

	/** Queues many webhook runs in one round trip. */
	void insertAll(List<NewWebhookRun> batch) {
		jdbcTemplate.batchUpdate("""
				INSERT INTO bot_runs (id, workspace_id, bot_id, trigger, request_id, input, status, next_try_at, created_at)
				VALUES (?, ?, ?, 'webhook', ?, ?, 'queued', ?, ?)
				""", batch, batch.size(), (ps, r) -> {
			ps.setString(1, r.id().value());
			ps.setString(2, r.workspace().value());
			ps.setString(3, r.bot().value());
			ps.setString(4, r.requestId());
			ps.setString(5, r.input());
			ps.setObject(6, SqlValues.timestamp(r.at()));
			ps.setObject(7, SqlValues.timestamp(r.at()));
		});
	}

	/** A run that succeeded, with its variables and step log. */
	record Succeeded(RunId id, Instant at, String variables, String steps) {
	}

	/** Marks many runs this node holds as succeeded, in one round trip (a run no longer held is left alone). */
	void succeedAll(List<Succeeded> unordered, String node) {
		// Locked in one order by every batch, so that two batches never wait on each other in a cycle.
		List<Succeeded> batch = unordered.stream().sorted(java.util.Comparator.comparing(r -> r.id().value())).toList();
		jdbcTemplate.batchUpdate("""
				UPDATE bot_runs SET status = 'succeeded', error = NULL, finished_at = ?, lease_owner = NULL,
				    lease_expires_at = NULL, variables = coalesce(?, variables), steps = coalesce(?, steps)
				WHERE id = ? AND status = 'running' AND lease_owner = ?
				""", batch, batch.size(), (ps, r) -> {
			ps.setObject(1, SqlValues.timestamp(r.at()));
			ps.setString(2, r.variables());
			ps.setString(3, r.steps());
			ps.setString(4, r.id().value());
			ps.setString(5, node);
		});
	}

	/** A run row as stored; JSON columns as text. */
	record Stored(RunId id, WorkspaceId workspace, BotId botId, String trigger, String requestId, String rerunOf,
			String chatId, String input, Run.Status status, String variables, String steps, String error, int tries,
			int waits, Instant nextTryAt, Instant createdAt, Instant startedAt, Instant finishedAt) {
	}

	void insert(RunId id, WorkspaceId workspace, BotId bot, String trigger, String requestId, RunId rerunOf,
			String chatId, String input, Instant now) {
		jdbc.sql("""
				INSERT INTO bot_runs (id, workspace_id, bot_id, trigger, request_id, rerun_of, chat_id, input, status,
				                      next_try_at, created_at)
				VALUES (:id, :workspace, :bot, :trigger, :request, :rerunOf, :chat, :input, 'queued', :now, :now)
				""")
			.param("id", id.value())
			.param("workspace", workspace.value())
			.param("bot", bot.value())
			.param("trigger", trigger)
			.param("request", requestId)
			.param("rerunOf", rerunOf == null ? null : rerunOf.value())
			.param("chat", chatId)
			.param("input", input)
			.param("now", SqlValues.timestamp(now))
			.update();
	}

	/**
	 * Takes up to {@code limit} due runs (queued, or waiting and due to try again), earliest first, under this node's
	 * lease; other nodes skip them.
	 */
	List<Stored> claim(String node, Instant now, Instant leaseUntil, int limit) {
		return jdbc.sql("""
				UPDATE bot_runs r SET status = 'running', lease_owner = :node, lease_expires_at = :until,
				    tries = r.tries + 1, started_at = coalesce(r.started_at, :now), next_try_at = NULL
				WHERE r.id IN (SELECT q.id FROM bot_runs q
				               WHERE q.status IN ('queued', 'waiting') AND q.next_try_at <= :now
				               ORDER BY q.next_try_at LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING r.*
				""")
			.param("node", node)
			.param("now", SqlValues.timestamp(now))
			.param("until", SqlValues.timestamp(leaseUntil))
			.param("limit", limit)
			.query(Runs::map)
			.list();
	}

	/**
	 * The heartbeat: extends the leases of the runs this node holds. A run locked by a transaction of this node (its step or its
	 * finish, committed in a group with others) is skipped, not waited for: waiting could deadlock with that group,
	 * which locks its runs in another order, and the next heartbeat renews it if it is still running.
	 */
	void renewLeases(String node, Instant until) {
		jdbc.sql("""
				UPDATE bot_runs SET lease_expires_at = :until
				WHERE id IN (SELECT id FROM bot_runs
				             WHERE status = 'running' AND lease_owner = :node AND lease_expires_at < :until
				             FOR UPDATE SKIP LOCKED)
				""")
			.param("node", node)
			.param("until", SqlValues.timestamp(until))
			.update();
	}

	/** Saves how far a run got; false when this node no longer holds it (its lease ran out and it was taken over). */
	boolean saveProgress(RunId id, String node, String variables, String steps) {
		return jdbc.sql("""
				UPDATE bot_runs SET variables = :variables, steps = :steps
				WHERE id = :id AND status = 'running' AND lease_owner = :node
				""")
			.param("id", id.value())
			.param("node", node)
			.param("variables", variables)
			.param("steps", steps)
			.update() == 1;
	}

	/**
	 * Finishes a run and saves its variables and step log (when given) in the same statement: one commit where a
	 * step's progress and the finish used to be two. False when this node no longer holds it.
	 */
	boolean finish(RunId id, String node, Run.Status status, String error, Instant now, String variables, String steps) {
		return jdbc.sql("""
				UPDATE bot_runs SET status = :status, error = :error, finished_at = :now, lease_owner = NULL,
				    lease_expires_at = NULL, variables = coalesce(:variables, variables), steps = coalesce(:steps, steps)
				WHERE id = :id AND status = 'running' AND lease_owner = :node
				""")
			.param("id", id.value())
			.param("node", node)
			.param("status", Bots.db(status))
			.param("error", error)
			.param("now", SqlValues.timestamp(now))
			.param("variables", variables)
			.param("steps", steps)
			.update() == 1;
	}

	boolean finish(RunId id, String node, Run.Status status, String error, Instant now) {
		return finish(id, node, status, error, now, null, null);
	}

	/**
	 * Sets a run that failed transiently aside until {@code at}, when it resumes from the step that failed; false when
	 * this node no longer holds it.
	 */
	boolean waitUntil(RunId id, String node, Instant at, String error) {
		return jdbc.sql("""
				UPDATE bot_runs SET status = 'waiting', next_try_at = :at, waits = waits + 1, error = :error,
				    lease_owner = NULL, lease_expires_at = NULL
				WHERE id = :id AND status = 'running' AND lease_owner = :node
				""")
			.param("id", id.value())
			.param("node", node)
			.param("at", SqlValues.timestamp(at))
			.param("error", error)
			.update() == 1;
	}

	/** When the next queued or waiting run falls due. */
	Optional<Instant> nextDue() {
		return jdbc.sql("SELECT min(next_try_at) AS due FROM bot_runs WHERE status IN ('queued', 'waiting')")
			.query((rs, n) -> SqlValues.instant(rs, "due"))
			.optional();
	}

	/**
	 * Puts runs whose node stopped holding them (it died, or hung past the lease) back in the queue, to resume from
	 * their last finished step; a run whose node died under it {@code maxTries} times fails instead (claims that
	 * resumed a waiting run are not counted).
	 */
	int releaseExpired(Instant now, int maxTries) {
		int failed = jdbc.sql("""
				UPDATE bot_runs SET status = 'failed', finished_at = :now, lease_owner = NULL, lease_expires_at = NULL,
				    error = 'The run was interrupted ' || (tries - waits) || ' times (its node stopped) and was given up'
				WHERE status = 'running' AND lease_expires_at < :now AND tries - waits >= :maxTries
				""").param("now", SqlValues.timestamp(now)).param("maxTries", maxTries).update();
		return failed + jdbc.sql("""
				UPDATE bot_runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, next_try_at = :now
				WHERE status = 'running' AND lease_expires_at < :now
				""").param("now", SqlValues.timestamp(now)).update();
	}

	/**
	 * Puts back every run this node holds, to resume from its last finished step on another node now: this node is
	 * stopping. Being handed over this way does not count as an interruption.
	 */
	int releaseHeld(String node, Instant now) {
		int released = jdbc.sql("""
				UPDATE bot_runs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, next_try_at = :now,
				    tries = greatest(tries - 1, 0)
				WHERE status = 'running' AND lease_owner = :node
				""").param("node", node).param("now", SqlValues.timestamp(now)).update();
		if (released > 0) {
			notifyRunners();
		}
		return released;
	}

	void notifyRunners() {
		notifications.wake(CHANNEL);
	}

	Optional<Stored> find(WorkspaceId workspace, RunId id) {
		return jdbc.sql("SELECT * FROM bot_runs WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Runs::map)
			.optional();
	}

	List<Stored> list(WorkspaceId workspace, BotId bot, Run.Status status, PageRequest page) {
		return listQuery(workspace, bot, status, page).on(jdbc).query(Runs::map).list();
	}

	/** A bot's runs, newest first: {@code bot_runs_bot} serves all of them, {@code bot_runs_bot_status} one status. */
	static ListQuery listQuery(WorkspaceId workspace, BotId bot, Run.Status status, PageRequest page) {
		return ListQuery.select("SELECT * FROM bot_runs")
			.where("workspace_id = :workspace AND bot_id = :bot", Map.of("workspace", workspace.value(), "bot", bot.value()))
			.andEquals("status", status, Bots::db)
			.newestFirst("id", page);
	}

	private static Stored map(ResultSet rs, int n) throws SQLException {
		return new Stored(new RunId(rs.getString("id")), new WorkspaceId(rs.getString("workspace_id")),
				new BotId(rs.getString("bot_id")), rs.getString("trigger"), rs.getString("request_id"),
				rs.getString("rerun_of"), rs.getString("chat_id"), rs.getString("input"),
				Run.Status.valueOf(rs.getString("status").toUpperCase()), rs.getString("variables"),
				rs.getString("steps"), rs.getString("error"), rs.getInt("tries"), rs.getInt("waits"),
				SqlValues.instant(rs, "next_try_at"), SqlValues.instant(rs, "created_at"),
				SqlValues.instant(rs, "started_at"), SqlValues.instant(rs, "finished_at"));
	}
}
