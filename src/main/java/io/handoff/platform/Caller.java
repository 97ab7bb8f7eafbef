package io.handoff.platform;

/**
 * Who is making a request: an API key of a workspace, or a signed-in team member.
 *
 * @param workspaceId the only workspace this caller may see
 * @param kind how the caller authenticated
 * @param id the API key's or member's id
 * @param name a name fit for logs and for "who did this" texts
 * @param manager whether the caller may manage the workspace's settings (webhooks, numbers, team, keys): API keys,
 *        Owners and Team Leads
 * @param assignedOnly whether the caller sees only the chats assigned to them (Team Member, assigned chats only)
 * @param owner whether the caller is an Owner (or acts as one, with an Owner's key): only Owners change Owners
 * @param credentials a digest of the member's password as it was when the caller was read: a session whose digest
 *        differs from the member's current one was signed in with a password that has been changed since
 */
public record Caller(WorkspaceId workspaceId, Kind kind, String id, String name, boolean manager,
		boolean assignedOnly, boolean owner, String credentials) implements java.io.Serializable {

	public Caller(WorkspaceId workspaceId, Kind kind, String id, String name, boolean manager) {
		this(workspaceId, kind, id, name, manager, false, false, null);
	}

	/** Refuses a caller who is not an Owner, for actions on an Owner. */
	public void requireOwner(String what) {
		if (!owner) {
			throw new Forbidden("Only an Owner can " + what);
		}
	}

	/** Refuses a caller who may not manage settings; the check every settings action makes on the server. */
	public void requireManager() {
		if (!manager) {
			throw new Forbidden("Only Owners and Team Leads can manage this");
		}
	}

	/** The caller's role does not allow the action. */
	public static final class Forbidden extends HandoffException {

		public Forbidden(String message) {
			super(null, message);
		}

		@Override
		public org.springframework.http.HttpStatus status() {
			return org.springframework.http.HttpStatus.FORBIDDEN;
		}

		@Override
		public String code() {
			return "forbidden";
		}
	}

	public enum Kind {
		API_KEY, MEMBER
	}
}
