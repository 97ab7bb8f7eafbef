package io.handoff.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The api_keys table. */
@Repository
class ApiKeys {

	private final JdbcClient jdbc;

	ApiKeys(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, ApiKey key, String hash) {
		jdbc.sql("""
				INSERT INTO api_keys (id, workspace_id, name, hint, key_hash, member_id, created_at)
				VALUES (:id, :workspace, :name, :hint, :hash, :member, :createdAt)
				""")
			.param("member", key.memberId())
			.param("id", key.id())
			.param("workspace", workspace.value())
			.param("name", key.name())
			.param("hint", key.hint())
			.param("hash", hash)
			.param("createdAt", SqlValues.timestamp(key.createdAt()))
			.update();
	}

	List<ApiKey> list(WorkspaceId workspace, PageRequest page) {
		return jdbc.sql("""
				SELECT * FROM api_keys
				WHERE workspace_id = :workspace AND (CAST(:after AS text) IS NULL OR id < :after)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("workspace", workspace.value())
			.param("after", page.after())
			.param("limit", page.fetchSize())
			.query(ApiKeys::map)
			.list();
	}

	Optional<ApiKey> find(WorkspaceId workspace, String id) {
		return jdbc.sql("SELECT * FROM api_keys WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id)
			.query(ApiKeys::map)
			.optional();
	}

	boolean revoke(WorkspaceId workspace, String id, Instant at) {
		return jdbc.sql("""
				UPDATE api_keys SET revoked_at = :at
				WHERE workspace_id = :workspace AND id = :id AND revoked_at IS NULL
				""")
			.param("workspace", workspace.value())
			.param("id", id)
			.param("at", SqlValues.timestamp(at))
			.update() == 1;
	}

	Optional<Active> findActiveByHash(String hash) {
		return jdbc.sql("""
				SELECT id, workspace_id, name, member_id, last_used_at FROM api_keys
				WHERE key_hash = :hash AND revoked_at IS NULL
				""")
			.param("hash", hash)
			.query((rs, n) -> new Active(rs.getString("id"), new WorkspaceId(rs.getString("workspace_id")),
					rs.getString("name"), rs.getString("member_id"), SqlValues.instant(rs, "last_used_at")))
			.optional();
	}

	void touch(String id, Instant at) {
		jdbc.sql("UPDATE api_keys SET last_used_at = :at WHERE id = :id")
			.param("id", id)
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	record Active(String id, WorkspaceId workspace, String name, String memberId, Instant lastUsedAt) {
	}

	private static ApiKey map(ResultSet rs, int row) throws SQLException {
		return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("hint"), rs.getString("member_id"),
				SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "last_used_at"), SqlValues.instant(rs, "revoked_at"));
	}

}
