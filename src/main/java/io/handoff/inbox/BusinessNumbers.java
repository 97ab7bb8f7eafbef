package io.handoff.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The business_numbers table. */
@Repository
class BusinessNumbers {

	private final JdbcClient jdbc;

	BusinessNumbers(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, BusinessNumber number) {
		jdbc.sql("""
				INSERT INTO business_numbers (id, workspace_id, number, display_name, waba_id, phone_number_id, created_at)
				VALUES (:id, :workspace, :number, :displayName, :wabaId, :phoneNumberId, :createdAt)
				""")
			.param("id", number.id().value())
			.param("workspace", workspace.value())
			.param("number", number.number())
			.param("displayName", number.displayName())
			.param("wabaId", number.wabaId())
			.param("phoneNumberId", number.phoneNumberId())
			.param("createdAt", SqlValues.timestamp(number.createdAt()))
			.update();
	}

	void update(WorkspaceId workspace, BusinessNumber number) {
		jdbc.sql("""
				UPDATE business_numbers
				SET display_name = :displayName, waba_id = :wabaId, phone_number_id = :phoneNumberId
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("id", number.id().value())
			.param("workspace", workspace.value())
			.param("displayName", number.displayName())
			.param("wabaId", number.wabaId())
			.param("phoneNumberId", number.phoneNumberId())
			.update();
	}

	Optional<BusinessNumber> find(WorkspaceId workspace, BusinessNumberId id) {
		return jdbc.sql("SELECT * FROM business_numbers WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(BusinessNumbers::map)
			.optional();
	}

	Optional<BusinessNumber> findByNumber(WorkspaceId workspace, String number) {
		return jdbc.sql("SELECT * FROM business_numbers WHERE workspace_id = :workspace AND number = :number")
			.param("workspace", workspace.value())
			.param("number", number)
			.query(BusinessNumbers::map)
			.optional();
	}

	Optional<BusinessNumber> findByPhoneNumberId(WorkspaceId workspace, String phoneNumberId) {
		return jdbc.sql("SELECT * FROM business_numbers WHERE workspace_id = :workspace AND phone_number_id = :id")
			.param("workspace", workspace.value())
			.param("id", phoneNumberId)
			.query(BusinessNumbers::map)
			.optional();
	}

	boolean phoneNumberIdTaken(String phoneNumberId, BusinessNumberId except) {
		return jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM business_numbers WHERE phone_number_id = :phoneNumberId AND id <> :except)
				""")
			.param("phoneNumberId", phoneNumberId)
			.param("except", except.value())
			.query(Boolean.class)
			.single();
	}

	List<BusinessNumber> list(WorkspaceId workspace, PageRequest page) {
		return jdbc.sql("""
				SELECT * FROM business_numbers
				WHERE workspace_id = :workspace AND (CAST(:after AS text) IS NULL OR id < :after)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("workspace", workspace.value())
			.param("after", page.after())
			.param("limit", page.fetchSize())
			.query(BusinessNumbers::map)
			.list();
	}

	boolean hasChats(BusinessNumberId id) {
		return jdbc.sql("SELECT EXISTS (SELECT 1 FROM chats WHERE business_number_id = :id)")
			.param("id", id.value())
			.query(Boolean.class)
			.single();
	}

	void delete(WorkspaceId workspace, BusinessNumberId id) {
		jdbc.sql("DELETE FROM member_number_roles WHERE business_number_id = :id").param("id", id.value()).update();
		jdbc.sql("DELETE FROM business_numbers WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.update();
	}

	private static BusinessNumber map(ResultSet rs, int row) throws SQLException {
		return new BusinessNumber(new BusinessNumberId(rs.getString("id")), rs.getString("number"),
				rs.getString("display_name"), rs.getString("waba_id"), rs.getString("phone_number_id"),
				SqlValues.instant(rs, "created_at"));
	}
}
