package io.handoff.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.WorkspaceId;

/** The roles table: the built-in roles of every workspace and its custom ones. */
@Repository
class Roles {

	private final JdbcClient jdbc;

	Roles(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, Role role) {
		jdbc.sql("""
				INSERT INTO roles (id, workspace_id, name, base, built_in)
				VALUES (:id, :workspace, :name, :base, :builtIn)
				""")
			.param("id", role.id())
			.param("workspace", workspace.value())
			.param("name", role.name())
			.param("base", role.base().dbValue())
			.param("builtIn", role.builtIn())
			.update();
	}

	Optional<Role> findByName(WorkspaceId workspace, String name) {
		return jdbc.sql("SELECT * FROM roles WHERE workspace_id = :workspace AND lower(name) = lower(:name)")
			.param("workspace", workspace.value())
			.param("name", name)
			.query(Roles::map)
			.optional();
	}

	List<Role> list(WorkspaceId workspace) {
		return jdbc.sql("SELECT * FROM roles WHERE workspace_id = :workspace ORDER BY built_in DESC, name")
			.param("workspace", workspace.value())
			.query(Roles::map)
			.list();
	}

	private static Role map(ResultSet rs, int row) throws SQLException {
		return new Role(rs.getString("id"), rs.getString("name"), Role.Base.fromDb(rs.getString("base")),
				rs.getBoolean("built_in"));
	}
}
