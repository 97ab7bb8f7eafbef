package io.handoff.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The customers table. */
@Repository
class Customers {

	private final JdbcClient jdbc;

	Customers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, Customer customer) {
		jdbc.sql("""
				INSERT INTO customers (id, workspace_id, name, phone, wa_id, created_at)
				VALUES (:id, :workspace, :name, :phone, :waId, :createdAt)
				""")
			.param("id", customer.id().value())
			.param("workspace", workspace.value())
			.param("name", customer.name())
			.param("phone", customer.phone())
			.param("waId", customer.waId())
			.param("createdAt", SqlValues.timestamp(customer.createdAt()))
			.update();
	}

	void update(WorkspaceId workspace, Customer customer) {
		jdbc.sql("""
				UPDATE customers SET name = :name, phone = :phone, wa_id = :waId
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("id", customer.id().value())
			.param("workspace", workspace.value())
			.param("name", customer.name())
			.param("phone", customer.phone())
			.param("waId", customer.waId())
			.update();
	}

	Optional<Customer> find(WorkspaceId workspace, CustomerId id) {
		return jdbc.sql("SELECT * FROM customers WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Customers::map)
			.optional();
	}

	Optional<Customer> findByPhone(WorkspaceId workspace, String phone) {
		return jdbc.sql("SELECT * FROM customers WHERE workspace_id = :workspace AND phone = :phone")
			.param("workspace", workspace.value())
			.param("phone", phone)
			.query(Customers::map)
			.optional();
	}

	boolean hasChatAssignedTo(CustomerId id, MemberId member) {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM chats WHERE customer_id = :id AND assignee_id = :member)")
			.param("id", id.value())
			.param("member", member.value())
			.query(Boolean.class)
			.single();
	}

	/** Customers with a chat assigned to {@code member}, newest first. */
	List<Customer> listAssignedTo(WorkspaceId workspace, MemberId member, PageRequest page) {
		return ListQuery.select("SELECT c.* FROM customers c")
			.where("""
					c.workspace_id = :workspace
					AND EXISTS (SELECT 1 FROM chats ch WHERE ch.customer_id = c.id AND ch.assignee_id = :member)""",
					Map.of("workspace", workspace.value(), "member", member.value()))
			.newestFirst("c.id", page)
			.on(jdbc)
			.query(Customers::map)
			.list();
	}

	List<Customer> list(WorkspaceId workspace, PageRequest page) {
		return ListQuery.select("SELECT * FROM customers")
			.where("workspace_id = :workspace", Map.of("workspace", workspace.value()))
			.newestFirst("id", page)
			.on(jdbc)
			.query(Customers::map)
			.list();
	}

	boolean hasChats(CustomerId id) {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM chats WHERE customer_id = :id)")
			.param("id", id.value())
			.query(Boolean.class)
			.single();
	}

	void delete(WorkspaceId workspace, CustomerId id) {
		jdbc.sql("DELETE FROM customers WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update();
	}

	private static Customer map(ResultSet rs, int row) throws SQLException {
		return new Customer(new CustomerId(rs.getString("id")), rs.getString("name"), rs.getString("phone"),
				rs.getString("wa_id"), SqlValues.instant(rs, "created_at"));
	}
}
