package io.handoff.studio;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.inbox.BusinessNumberId;
import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The bots table. Every query names the workspace, except the lookup by hook token, which finds it. */
@Repository
class Bots {

	private final JdbcClient jdbc;

	Bots(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** A bot row as stored: secrets sealed, mapping and flow as JSON text. */
	record Stored(BotId id, WorkspaceId workspace, String name, Bot.Status status, Bot.TriggerType triggerType,
			String hookTokenSealed, Bot.AuthType authType, String authHeader, String hookSecretSealed,
			List<BusinessNumberId> businessNumberIds, String variables, String steps, Instant captureStartedAt,
			Instant captureUntil, String sampleRequestId, Instant createdAt, Instant updatedAt) {
	}

	void insert(Stored bot, String tokenHash) {
		jdbc.sql("""
				INSERT INTO bots (id, workspace_id, name, status, trigger_type, hook_token_hash, hook_token_sealed,
				                  hook_auth, hook_auth_header, hook_secret_sealed, business_number_ids, variables, steps,
				                  created_at, updated_at)
				VALUES (:id, :workspace, :name, :status, :trigger, :tokenHash, :tokenSealed, :auth, :authHeader,
				        :secret, CAST(:numbers AS text[]), :variables, :steps, :createdAt, :createdAt)
				""")
			.param("id", bot.id().value())
			.param("workspace", bot.workspace().value())
			.param("name", bot.name())
			.param("status", db(bot.status()))
			.param("trigger", db(bot.triggerType()))
			.param("tokenHash", tokenHash)
			.param("tokenSealed", bot.hookTokenSealed())
			.param("auth", db(bot.authType()))
			.param("authHeader", bot.authHeader())
			.param("secret", bot.hookSecretSealed())
			.param("numbers", bot.businessNumberIds().stream().map(BusinessNumberId::value).toArray(String[]::new))
			.param("variables", bot.variables())
			.param("steps", bot.steps())
			.param("createdAt", SqlValues.timestamp(bot.createdAt()))
			.update();
	}

	void update(Stored bot, Instant now) {
		jdbc.sql("""
				UPDATE bots SET name = :name, status = :status, trigger_type = :trigger, hook_auth = :auth,
				    hook_auth_header = :authHeader, hook_secret_sealed = :secret, business_number_ids = CAST(:numbers AS text[]),
				    variables = :variables, steps = :steps, updated_at = :now
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("id", bot.id().value())
			.param("workspace", bot.workspace().value())
			.param("name", bot.name())
			.param("status", db(bot.status()))
			.param("trigger", db(bot.triggerType()))
			.param("auth", db(bot.authType()))
			.param("authHeader", bot.authHeader())
			.param("secret", bot.hookSecretSealed())
			.param("numbers", bot.businessNumberIds().stream().map(BusinessNumberId::value).toArray(String[]::new))
			.param("variables", bot.variables())
			.param("steps", bot.steps())
			.param("now", SqlValues.timestamp(now))
			.update();
	}

	void replaceToken(WorkspaceId workspace, BotId id, String tokenHash, String tokenSealed, Instant now) {
		jdbc.sql("""
				UPDATE bots SET hook_token_hash = :hash, hook_token_sealed = :sealed, updated_at = :now
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("hash", tokenHash)
			.param("sealed", tokenSealed)
			.param("now", SqlValues.timestamp(now))
			.update();
	}

	void delete(WorkspaceId workspace, BotId id) {
		jdbc.sql("DELETE FROM bots WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update();
	}

	Optional<Stored> find(WorkspaceId workspace, BotId id) {
		return jdbc.sql("SELECT * FROM bots WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Bots::map)
			.optional();
	}

	Optional<Stored> findByTokenHash(String tokenHash) {
		return jdbc.sql("SELECT * FROM bots WHERE hook_token_hash = :hash")
			.param("hash", tokenHash)
			.query(Bots::map)
			.optional();
	}

	List<Stored> list(WorkspaceId workspace, PageRequest page) {
		return ListQuery.select("SELECT * FROM bots")
			.where("workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.newestFirst("id", page)
			.on(jdbc)
			.query(Bots::map)
			.list();
	}

	/** Active bots that run on messages arriving at {@code number}. */
	List<Stored> onIncomingMessage(WorkspaceId workspace, BusinessNumberId number) {
		return jdbc.sql("""
				SELECT * FROM bots
				WHERE workspace_id = :workspace AND trigger_type = 'incoming_message' AND status = 'active'
				  AND business_number_ids @> ARRAY[CAST(:number AS text)]
				ORDER BY id
				""")
			.param("workspace", workspace.value())
			.param("number", number.value())
			.query(Bots::map)
			.list();
	}

	void startCapture(WorkspaceId workspace, BotId id, Instant now, Instant until) {
		jdbc.sql("""
				UPDATE bots SET capture_started_at = :now, capture_until = :until
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("now", SqlValues.timestamp(now))
			.param("until", SqlValues.timestamp(until))
			.update();
	}

	void stopCapture(WorkspaceId workspace, BotId id) {
		jdbc.sql("UPDATE bots SET capture_until = NULL WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update();
	}

	/** Makes one of the bot's past requests its sample; false when the request is not the bot's. */
	boolean useAsSample(WorkspaceId workspace, BotId id, String requestId) {
		return jdbc.sql("""
				UPDATE bots SET sample_request_id = :request, capture_until = NULL
				WHERE workspace_id = :workspace AND id = :id
				  AND EXISTS (SELECT 1 FROM bot_requests r WHERE r.id = :request AND r.bot_id = :id)
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("request", requestId)
			.update() == 1;
	}

	/**
	 * Makes {@code requestId} the bot's sample if the bot is capturing now, and ends the capture: of concurrent
	 * requests exactly one wins. Answers whether this one did.
	 */
	boolean captureIfWaiting(BotId id, String requestId, Instant now) {
		return jdbc.sql("""
				UPDATE bots SET sample_request_id = :request, capture_until = NULL
				WHERE id = :id AND capture_until >= :now
				""")
			.param("id", id.value())
			.param("request", requestId)
			.param("now", SqlValues.timestamp(now))
			.update() == 1;
	}

	private static Stored map(ResultSet rs, int n) throws SQLException {
		String[] numbers = (String[]) rs.getArray("business_number_ids").getArray();
		return new Stored(new BotId(rs.getString("id")), new WorkspaceId(rs.getString("workspace_id")),
				rs.getString("name"), Bot.Status.valueOf(rs.getString("status").toUpperCase()),
				Bot.TriggerType.valueOf(rs.getString("trigger_type").toUpperCase()), rs.getString("hook_token_sealed"),
				Bot.AuthType.valueOf(rs.getString("hook_auth").toUpperCase()), rs.getString("hook_auth_header"),
				rs.getString("hook_secret_sealed"), Arrays.stream(numbers).map(BusinessNumberId::new).toList(),
				rs.getString("variables"), rs.getString("steps"), SqlValues.instant(rs, "capture_started_at"),
				SqlValues.instant(rs, "capture_until"), rs.getString("sample_request_id"),
				SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at"));
	}

	static String db(Enum<?> value) {
		return value.name().toLowerCase(java.util.Locale.ROOT);
	}
}
