package io.handoff.studio;

import java.time.Instant;
import java.util.Optional;

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
	private final JsonMapper json;

	Requests(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	void insert(WorkspaceId workspace, BotId bot, InboundRequest request, String bodyText) {
		jdbc.sql("""
				INSERT INTO bot_requests (id, workspace_id, bot_id, method, headers, query, content_type, body,
				                          body_encoding, source_ip, received_at)
				VALUES (:id, :workspace, :bot, :method, :headers, :query, :contentType, :body, :encoding, :ip, :at)
				""")
			.param("id", request.id())
			.param("workspace", workspace.value())
			.param("bot", bot.value())
			.param("method", request.method())
			.param("headers", json.writeValueAsString(request.headers()))
			.param("query", request.query().toString())
			.param("contentType", request.contentType())
			.param("body", bodyText)
			.param("encoding", request.bodyEncoding())
			.param("ip", request.sourceIp())
			.param("at", SqlValues.timestamp(request.receivedAt()))
			.update();
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
