package io.handoff.inbox;

import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The workspaces table. */
@Repository
class Workspaces {

	private final JdbcClient jdbc;

	Workspaces(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId id, String name, Instant createdAt) {
		jdbc.sql("INSERT INTO workspaces (id, name, created_at) VALUES (:id, :name, :createdAt)")
			.param("id", id.value())
			.param("name", name)
			.param("createdAt", SqlValues.timestamp(createdAt))
			.update();
	}

	boolean any() {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM workspaces)").query(Boolean.class).single();
	}
}
