package io.handoff.inbox;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.HandoffException;
import io.handoff.platform.WorkspaceId;

/**
 * First run: on an empty database, creates the workspace, optionally its first WhatsApp number, and its Owner with a
 * password to sign in. It runs once per database, whichever node or path (the setup page, or settings at start)
 * asks: a transaction-scoped advisory lock makes concurrent attempts take turns, and each checks that no workspace
 * exists yet.
 */
@Service
public class SetupService {

	private final WorkspaceService workspaces;
	private final TeamService team;
	private final JdbcClient jdbc;

	SetupService(WorkspaceService workspaces, TeamService team, JdbcClient jdbc) {
		this.workspaces = workspaces;
		this.team = team;
		this.jdbc = jdbc;
	}

	/**
	 * What setup asks for.
	 *
	 * @param number the business number in E.164 (or as typed), or blank to add one later
	 * @param numberName how the inbox names the number, e.g. "Acme Support"
	 */
	public record Details(String workspaceName, String ownerName, String ownerEmail, String password, String number,
			String numberName) {
	}

	/** The workspace made and its Owner, who may sign in now. */
	public record Done(WorkspaceId workspace, MemberId owner) {
	}

	/** Whether this database still waits for its first workspace. */
	public boolean needed() {
		return workspaces.none();
	}

	@Transactional
	public Done setUp(Details details) {
		jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('handoff.setup'))").query().singleRow();
		if (!workspaces.none()) {
			throw new AlreadyDone();
		}
		String name = details.workspaceName() == null ? "" : details.workspaceName().strip();
		if (name.isEmpty()) {
			throw new HandoffException.InvalidInput("workspaceName", "is needed: the name of your business or team");
		}
		if (name.length() > 100) {
			throw new HandoffException.InvalidInput("workspaceName", "must be at most 100 characters");
		}
		WorkspaceId workspace = workspaces.create(name);
		Map<BusinessNumberId, String> numberRoles = Map.of();
		if (details.number() != null && !details.number().isBlank()) {
			String numberName = details.numberName() == null || details.numberName().isBlank() ? name
					: details.numberName();
			BusinessNumber number = team.createNumber(workspace,
					new TeamService.NumberDetails(details.number(), numberName, null, null));
			numberRoles = Map.of(number.id(), Role.TEAM_LEAD);
		}
		Member owner = team.createMember(workspace, new TeamService.MemberDetails(details.ownerName(),
				details.ownerEmail(), null, Role.OWNER, numberRoles));
		team.setPassword(workspace, owner.id(), details.password());
		return new Done(workspace, owner.id());
	}

	/** Setup already ran on this database. */
	public static final class AlreadyDone extends HandoffException {

		AlreadyDone() {
			super(null, "Handoff is already set up: sign in, or ask your workspace's Owner to add you");
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.CONFLICT;
		}

		@Override
		public String code() {
			return "already_set_up";
		}
	}
}
