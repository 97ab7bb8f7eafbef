package io.handoff.studio;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The bot_requests table: requests that reached bots' URLs. */
@Repository
class Requests {

	private final JdbcClient jdbc;
	private final JdbcTemplate jdbcTemplate;
	private final JsonMapper json;

	Requests(JdbcClient jdbc, JdbcTemplate jdbcTemplate, JsonMapper json) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.json = json;
	}

	/** A request to store, with the bot it reached. */
	record New(WorkspaceId workspace, BotId bot, InboundRequest request, String bodyText) {
	}

	/** Stores many requests in one round trip. */
	void insertAll(List<New> batch) {
		jdbcTemplate.batchUpdate("""
				INSERT INTO bot_requests (id, workspace_id, bot_id, method, headers, query, content_type, body,
				                          body_encoding, source_ip, received_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", batch, batch.size(), (ps, n) -> {
			ps.setString(1, n.request().id());
			ps.setString(2, n.workspace().value());
			ps.setString(3, n.bot().value());
			ps.setString(4, n.request().method());
			ps.setString(5, json.writeValueAsString(n.request().headers()));
			ps.setString(6, n.request().query().toString());
			ps.setString(7, n.request().contentType());
			ps.setString(8, n.bodyText());
			ps.setString(9, n.request().bodyEncoding());
			ps.setString(10, n.request().sourceIp());
			ps.setObject(11, SqlValues.timestamp(n.request().receivedAt()));
		});
	}

	/** Removes a request not kept after all (in the transaction that stored it, so it was never seen). */
	void delete(WorkspaceId workspace, String id) {
		jdbc.sql("DELETE FROM bot_requests WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id)
			.update();
	}

	Optional<InboundRequest> find(WorkspaceId workspace, String id) {
		return jdbc.sql("SELECT * FROM bot_requests WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id)
			.query((rs, n) -> new InboundRequest(rs.getString("id"), rs.getString("method"),
					json.readValue(rs.getString("headers"), new TypeReference<java.util.LinkedHashMap<String, String>>() {
					}), (ObjectNode) json.readTree(rs.getString("query")), rs.getString("content_type"),
					Bodies.read(rs.getString("content_type"), rs.getString("body"), rs.getString("body_encoding"), json),
					rs.getString("body_encoding"), rs.getString("source_ip"), SqlValues.instant(rs, "received_at")))
			.optional();
	}

	Optional<Instant> receivedAt(String id) {
		return jdbc.sql("SELECT received_at FROM bot_requests WHERE id = :id")
			.param("id", id)
			.query((rs, n) -> SqlValues.instant(rs, "received_at"))
			.optional();
	}
}
