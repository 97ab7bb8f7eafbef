package io.handoff.platform;

/**
 * Who is making a request: an API key of a workspace, or a signed-in team member.
 *
 * @param workspaceId the only workspace this caller may see
 * @param kind how the caller authenticated
 * @param id the API key's or member's id
 * @param name a name fit for logs and for "who did this" texts
 */
public record Caller(WorkspaceId workspaceId, Kind kind, String id, String name) {

	public enum Kind {
		API_KEY, MEMBER
	}
}
