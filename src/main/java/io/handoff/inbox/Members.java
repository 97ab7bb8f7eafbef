package io.handoff.inbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/** The members table and each member's roles on business numbers. Deleted members stay for the history. */
@Repository
class Members {

	private static final String SELECT = """
			SELECT m.id, m.name, m.email, m.phone, m.availability, m.created_at, r.name AS org_role, r.base AS org_base
			FROM members m JOIN roles r ON r.id = m.org_role_id
			""";

	private final JdbcClient jdbc;

	Members(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(WorkspaceId workspace, MemberId id, String name, String email, String phone, String orgRoleId,
			Instant createdAt) {
		jdbc.sql("""
				INSERT INTO members (id, workspace_id, name, email, phone, org_role_id, created_at)
				VALUES (:id, :workspace, :name, :email, :phone, :orgRoleId, :createdAt)
				""")
			.param("id", id.value())
			.param("workspace", workspace.value())
			.param("name", name)
			.param("email", email)
			.param("phone", phone)
			.param("orgRoleId", orgRoleId)
			.param("createdAt", SqlValues.timestamp(createdAt))
			.update();
	}

	void update(WorkspaceId workspace, MemberId id, String name, String email, String phone, String orgRoleId) {
		jdbc.sql("""
				UPDATE members SET name = :name, email = :email, phone = :phone, org_role_id = :orgRoleId
				WHERE workspace_id = :workspace AND id = :id AND deleted_at IS NULL
				""")
			.param("id", id.value())
			.param("workspace", workspace.value())
			.param("name", name)
			.param("email", email)
			.param("phone", phone)
			.param("orgRoleId", orgRoleId)
			.update();
	}

	/** Replaces the member's roles on business numbers with {@code roleIdsByNumber}. */
	void replaceNumberRoles(MemberId id, Map<BusinessNumberId, String> roleIdsByNumber) {
		jdbc.sql("DELETE FROM member_number_roles WHERE member_id = :id").param("id", id.value()).update();
		roleIdsByNumber.forEach((number, roleId) -> jdbc.sql("""
				INSERT INTO member_number_roles (member_id, business_number_id, role_id)
				VALUES (:member, :number, :role)
				""").param("member", id.value()).param("number", number.value()).param("role", roleId).update());
	}

	void setAvailability(WorkspaceId workspace, MemberId id, Member.Availability availability) {
		jdbc.sql("UPDATE members SET availability = :availability WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("availability", availability.dbValue())
			.update();
	}

	/** The member used the console at {@code at}. */
	void seen(WorkspaceId workspace, MemberId id, Instant at) {
		jdbc.sql("UPDATE members SET last_seen_at = :at WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	/** Online members last seen before {@code cutoff} become busy; members never seen are left as they are. */
	int awayIfUnseenSince(Instant cutoff) {
		return jdbc.sql("""
				UPDATE members SET availability = 'busy'
				WHERE availability = 'online' AND deleted_at IS NULL AND last_seen_at < :cutoff
				""")
			.param("cutoff", SqlValues.timestamp(cutoff))
			.update();
	}

	/**
	 * Of {@code pool}, the members who can take a chat on {@code number} (not deleted, with a role there, online if
	 * asked), each with how many open chats they hold, in the pool's order.
	 */
	List<TeamService.Candidate> candidates(WorkspaceId workspace, BusinessNumberId number, List<MemberId> pool,
			boolean onlineOnly) {
		if (pool.isEmpty()) {
			return List.of();
		}
		List<TeamService.Candidate> found = jdbc.sql("""
				SELECT m.id, m.name,
				       (SELECT count(*) FROM chats c WHERE c.assignee_id = m.id AND c.status = 'open') AS open_chats
				FROM members m
				JOIN member_number_roles nr ON nr.member_id = m.id AND nr.business_number_id = :number
				WHERE m.workspace_id = :workspace AND m.id IN (:pool) AND m.deleted_at IS NULL
				  AND (NOT :onlineOnly OR m.availability = 'online')
				""")
			.param("workspace", workspace.value())
			.param("number", number.value())
			.param("pool", pool.stream().map(MemberId::value).toList())
			.param("onlineOnly", onlineOnly)
			.query((rs, n) -> new TeamService.Candidate(new MemberId(rs.getString("id")), rs.getString("name"),
					rs.getInt("open_chats")))
			.list();
		Map<MemberId, TeamService.Candidate> byId = new HashMap<>();
		found.forEach(c -> byId.put(c.id(), c));
		return pool.stream().distinct().map(byId::get).filter(java.util.Objects::nonNull).toList();
	}

	void setPasswordHash(WorkspaceId workspace, MemberId id, String hash) {
		jdbc.sql("UPDATE members SET password_hash = :hash WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("hash", hash)
			.update();
	}

	void softDelete(WorkspaceId workspace, MemberId id, Instant at) {
		jdbc.sql("DELETE FROM member_number_roles WHERE member_id = :id").param("id", id.value()).update();
		jdbc.sql("UPDATE members SET deleted_at = :at WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("at", SqlValues.timestamp(at))
			.update();
	}

	Optional<Member> find(WorkspaceId workspace, MemberId id) {
		return withNumberRoles(jdbc.sql(SELECT + " WHERE m.workspace_id = :workspace AND m.id = :id AND m.deleted_at IS NULL")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query(Members::row)
			.list()).stream().findFirst();
	}

	/** The member's name and what their workspace role may do, unless they were deleted. */
	Optional<Access> access(WorkspaceId workspace, MemberId id) {
		return jdbc.sql("""
				SELECT m.name, r.base, md5(coalesce(m.password_hash, '')) AS credentials
				FROM members m JOIN roles r ON r.id = m.org_role_id
				WHERE m.workspace_id = :workspace AND m.id = :id AND m.deleted_at IS NULL
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.query((rs, n) -> new Access(rs.getString("name"), Role.Base.fromDb(rs.getString("base")),
					rs.getString("credentials")))
			.optional();
	}

	/** @param credentials a digest of the password hash, which changes whenever the password does */
	record Access(String name, Role.Base base, String credentials) {
	}

	/** How many Owners the workspace has besides {@code member}. */
	int ownersOtherThan(WorkspaceId workspace, MemberId member) {
		return jdbc.sql("""
				SELECT count(*) FROM members m JOIN roles r ON r.id = m.org_role_id
				WHERE m.workspace_id = :workspace AND m.id <> :member AND m.deleted_at IS NULL AND r.base = :owner
				""")
			.param("workspace", workspace.value())
			.param("member", member.value())
			.param("owner", Role.Base.OWNER.dbValue())
			.query(Integer.class)
			.single();
	}

	List<io.handoff.platform.MemberDirectory.SignIn> signIns(String email) {
		return jdbc.sql("""
				SELECT workspace_id, id, password_hash FROM members
				WHERE lower(email) = lower(:email) AND deleted_at IS NULL AND password_hash IS NOT NULL
				ORDER BY created_at DESC LIMIT 10
				""")
			.param("email", email)
			.query((rs, n) -> new io.handoff.platform.MemberDirectory.SignIn(new WorkspaceId(rs.getString(1)),
					rs.getString(2), rs.getString(3)))
			.list();
	}

	Optional<MemberId> findIdByEmail(WorkspaceId workspace, String email) {
		return jdbc.sql("""
				SELECT id FROM members
				WHERE workspace_id = :workspace AND lower(email) = lower(:email) AND deleted_at IS NULL
				""")
			.param("workspace", workspace.value())
			.param("email", email)
			.query((rs, n) -> new MemberId(rs.getString("id")))
			.optional();
	}

	boolean emailTaken(WorkspaceId workspace, String email, MemberId except) {
		return jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM members WHERE workspace_id = :workspace AND lower(email) = lower(:email)
				               AND deleted_at IS NULL AND id <> :except)
				""")
			.param("workspace", workspace.value())
			.param("email", email)
			.param("except", except == null ? "" : except.value())
			.query(Boolean.class)
			.single();
	}

	List<Member> list(WorkspaceId workspace, BusinessNumberId onNumber, PageRequest page) {
		return withNumberRoles(ListQuery.select(SELECT.strip())
			.where("m.workspace_id = :workspace AND m.deleted_at IS NULL", Map.of("workspace", workspace.value()))
			.and("EXISTS (SELECT 1 FROM member_number_roles nr WHERE nr.member_id = m.id AND nr.business_number_id = :number)",
					"number", onNumber == null ? null : onNumber.value())
			.newestFirst("m.id", page)
			.on(jdbc)
			.query(Members::row)
			.list());
	}

	int openAssignedChats(MemberId id) {
		return jdbc.sql("SELECT count(*) FROM chats WHERE assignee_id = :id AND status = 'open'")
			.param("id", id.value())
			.query(Integer.class)
			.single();
	}

	/**
	 * The member as an assignee of a chat on {@code number}, with their role there; empty when the member does not
	 * exist in the workspace (or was deleted, unless {@code evenDeleted}). A member without a role on the number comes
	 * back with a null {@code wabaRole}.
	 */
	Optional<ChatAssignmentChanged.AgentSnapshot> asAgentOn(WorkspaceId workspace, MemberId id,
			BusinessNumberId number, boolean evenDeleted) {
		return jdbc.sql("""
				SELECT m.id, m.name, m.phone, m.email, r.name AS org_role, nr_role.name AS waba_role
				FROM members m
				JOIN roles r ON r.id = m.org_role_id
				LEFT JOIN member_number_roles nr ON nr.member_id = m.id AND nr.business_number_id = :number
				LEFT JOIN roles nr_role ON nr_role.id = nr.role_id
				WHERE m.workspace_id = :workspace AND m.id = :id AND (:evenDeleted OR m.deleted_at IS NULL)
				""")
			.param("workspace", workspace.value())
			.param("id", id.value())
			.param("number", number.value())
			.param("evenDeleted", evenDeleted)
			.query((rs, n) -> new ChatAssignmentChanged.AgentSnapshot(new MemberId(rs.getString("id")),
					rs.getString("name"), rs.getString("phone"), rs.getString("email"), rs.getString("org_role"),
					rs.getString("waba_role")))
			.optional();
	}

	private record Row(MemberId id, String name, String email, String phone, String orgRole,
			Member.Availability availability, Instant createdAt) {
	}

	private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
		return new Row(new MemberId(rs.getString("id")), rs.getString("name"), rs.getString("email"),
				rs.getString("phone"), rs.getString("org_role"), Member.Availability.fromDb(rs.getString("availability")),
				SqlValues.instant(rs, "created_at"));
	}

	private List<Member> withNumberRoles(List<Row> rows) {
		if (rows.isEmpty()) {
			return List.of();
		}
		Map<String, List<Member.NumberRole>> roles = new HashMap<>();
		jdbc.sql("""
				SELECT nr.member_id, nr.business_number_id, r.name
				FROM member_number_roles nr JOIN roles r ON r.id = nr.role_id
				WHERE nr.member_id IN (:ids)
				ORDER BY nr.business_number_id
				""")
			.param("ids", rows.stream().map(r -> r.id().value()).toList())
			.query(rs -> {
				roles.computeIfAbsent(rs.getString("member_id"), k -> new ArrayList<>())
					.add(new Member.NumberRole(new BusinessNumberId(rs.getString("business_number_id")),
							rs.getString("name")));
			});
		return rows.stream()
			.map(r -> new Member(r.id(), r.name(), r.email(), r.phone(), r.orgRole(),
					List.copyOf(roles.getOrDefault(r.id().value(), List.of())), r.availability(), r.createdAt()))
			.toList();
	}
}
