package io.handoff.webhooks;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
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

/** The webhook_endpoints table. */
@Repository
class Endpoints {

	private final JdbcClient jdbc;

	Endpoints(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(StoredEndpoint e) {
		jdbc.sql("""
				INSERT INTO webhook_endpoints (id, workspace_id, name, url, all_business_numbers, business_number_ids,
				    event_types, headers_enc, auth_type, auth_username, auth_secret_enc, body_format, ordering,
				    rate_limit_per_second, retry_on_timeout, retry_schedule, enabled, secret_enc, created_at, updated_at)
				VALUES (:id, :workspace, :name, :url, :all, :numbers, :types, :headers, :authType, :authUsername,
				    :authSecret, :bodyFormat, :ordering, :rateLimit, :retryOnTimeout, :schedule, :enabled, :secret,
				    :at, :at)
				""")
			.params(settings(e))
			.param("enabled", e.enabled())
			.param("secret", e.secretEnc())
			.param("at", SqlValues.timestamp(e.createdAt()))
			.update();
	}

	/** Writes the settings a user can change; secrets and enablement have their own statements. */
	void updateSettings(StoredEndpoint e) {
		jdbc.sql("""
				UPDATE webhook_endpoints SET name = :name, url = :url, all_business_numbers = :all,
				    business_number_ids = :numbers, event_types = :types, headers_enc = :headers,
				    auth_type = :authType, auth_username = :authUsername, auth_secret_enc = :authSecret,
				    body_format = :bodyFormat, ordering = :ordering, rate_limit_per_second = :rateLimit,
				    retry_on_timeout = :retryOnTimeout, retry_schedule = :schedule, updated_at = :at,
				    version = version + 1
				WHERE workspace_id = :workspace AND id = :id
				""")
			.params(settings(e))
			.param("at", SqlValues.timestamp(e.updatedAt()))
			.update();
	}

	/** The parameters that insert and update share: the endpoint's identity and every user setting. */
	private static Map<String, Object> settings(StoredEndpoint e) {
		Map<String, Object> params = new HashMap<>();
		params.put("schedule", e.retrySchedule() == null ? null : e.retrySchedule().toArray(String[]::new));
		params.put("id", e.id().value());
		params.put("workspace", e.workspaceId().value());
		params.put("name", e.name());
		params.put("url", e.url());
		params.put("all", e.allBusinessNumbers());
		params.put("numbers", e.businessNumberIds().stream().map(BusinessNumberId::value).toArray(String[]::new));
		params.put("types", e.eventTypes().toArray(String[]::new));
		params.put("headers", e.headersEnc());
		params.put("authType", e.authType().dbValue());
		params.put("authUsername", e.authUsername());
		params.put("authSecret", e.authSecretEnc());
		params.put("bodyFormat", e.bodyFormat().dbValue());
		params.put("ordering", e.ordering().dbValue());
		params.put("rateLimit", e.rateLimitPerSecond());
		params.put("retryOnTimeout", e.retryOnTimeout());
		return params;
	}

	void setEnabled(WorkspaceId workspace, EndpointId id, boolean enabled, String reason, Instant at) {
		// Enabling starts health afresh: the failures before the pause do not count toward disabling it again.
		jdbc.sql("""
				UPDATE webhook_endpoints SET enabled = :enabled, disabled_reason = :reason,
				    disabled_at = CASE WHEN :enabled THEN NULL ELSE CAST(:at AS timestamptz) END,
				    failing_since = CASE WHEN :enabled THEN NULL ELSE failing_since END,
				    updated_at = :at, version = version + 1
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("enabled", enabled)
			.param("reason", enabled ? null : reason)
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	void rotateSecret(WorkspaceId workspace, EndpointId id, String newSecretEnc, String previousSecretEnc,
			Instant previousExpiresAt, Instant at) {
		jdbc.sql("""
				UPDATE webhook_endpoints SET secret_enc = :secret, previous_secret_enc = :previous,
				    previous_secret_expires_at = :expires, updated_at = :at, version = version + 1
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("secret", newSecretEnc)
			.param("previous", previousSecretEnc)
			.param("expires", SqlValues.timestamp(previousExpiresAt))
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	Optional<StoredEndpoint> find(WorkspaceId workspace, EndpointId id) {
		return jdbc.sql("SELECT * FROM webhook_endpoints WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Endpoints::map)
			.optional();
	}

	/** Locks the row, so that concurrent rotations of one secret do not lose one another. */
	Optional<StoredEndpoint> lock(WorkspaceId workspace, EndpointId id) {
		return jdbc.sql("SELECT * FROM webhook_endpoints WHERE workspace_id = :workspace AND id = :id FOR UPDATE")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Endpoints::map)
			.optional();
	}

	List<StoredEndpoint> list(WorkspaceId workspace, PageRequest page) {
		return ListQuery.select("SELECT * FROM webhook_endpoints")
			.where("workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.newestFirst("id", page)
			.on(jdbc)
			.query(Endpoints::map)
			.list();
	}

	boolean delete(WorkspaceId workspace, EndpointId id) {
		return jdbc.sql("DELETE FROM webhook_endpoints WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update() == 1;
	}

	/** Enabled endpoints subscribed to {@code type} for events of {@code numberId} (null: not about a number). */
	List<StoredEndpoint> subscribers(WorkspaceId workspace, String type, String numberId) {
		return jdbc.sql("""
				SELECT * FROM webhook_endpoints
				WHERE workspace_id = :workspace AND enabled AND :type = ANY (event_types)
				  AND (all_business_numbers OR CAST(:number AS text) IS NULL OR :number = ANY (business_number_ids))
				""")
			.param("workspace", workspace.value())
			.param("type", type)
			.param("number", numberId)
			.query(Endpoints::map)
			.list();
	}

	/** Notes a success; answers whether the endpoint had been failing until now. */
	boolean recordSuccess(EndpointId id) {
		return jdbc.sql("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
			.param("id", id.value())
			.update() == 1;
	}

	/** Notes a failure and answers when the current run of failures began. */
	Instant recordFailure(EndpointId id, Instant at) {
		return jdbc.sql("""
				UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, :at) WHERE id = :id
				RETURNING failing_since
				""")
			.param("id", id.value())
			.param("at", SqlValues.timestamp(at))
			.query((rs, n) -> SqlValues.instant(rs, "failing_since"))
			.optional()
			.orElse(at);
	}

	/** Disables an enabled endpoint; false when it was already disabled (or is gone). */
	boolean disableIfEnabled(WorkspaceId workspace, EndpointId id, String reason, Instant at) {
		return jdbc.sql("""
				UPDATE webhook_endpoints SET enabled = false, disabled_reason = :reason, disabled_at = :at,
				    updated_at = :at, version = version + 1
				WHERE workspace_id = :workspace AND id = :id AND enabled
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("reason", reason)
			.param("at", SqlValues.timestamp(at))
			.update() == 1;
	}

	private static StoredEndpoint map(ResultSet rs, int row) throws SQLException {
		return new StoredEndpoint(new EndpointId(rs.getString("id")), new WorkspaceId(rs.getString("workspace_id")),
				rs.getString("name"), rs.getString("url"), rs.getBoolean("all_business_numbers"),
				strings(rs.getArray("business_number_ids")).stream().map(BusinessNumberId::new).toList(),
				strings(rs.getArray("event_types")), rs.getString("headers_enc"),
				Endpoint.AuthType.valueOf(rs.getString("auth_type").toUpperCase()), rs.getString("auth_username"),
				rs.getString("auth_secret_enc"), Endpoint.BodyFormat.valueOf(rs.getString("body_format").toUpperCase()),
				Endpoint.Ordering.valueOf(rs.getString("ordering").toUpperCase()),
				rs.getObject("rate_limit_per_second", Integer.class), rs.getBoolean("retry_on_timeout"),
				rs.getArray("retry_schedule") == null ? null : strings(rs.getArray("retry_schedule")),
				rs.getBoolean("enabled"), rs.getString("disabled_reason"),
				SqlValues.instant(rs, "disabled_at"), SqlValues.instant(rs, "failing_since"), rs.getString("secret_enc"), rs.getString("previous_secret_enc"),
				SqlValues.instant(rs, "previous_secret_expires_at"), SqlValues.instant(rs, "created_at"),
				SqlValues.instant(rs, "updated_at"));
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
	}
}
