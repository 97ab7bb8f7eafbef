package io.handoff.platform;

import java.util.Optional;

/**
 * What the security layer needs to know of a team member, answered by the inbox module, which owns members and roles.
 * Keeping it an interface here lets platform authenticate members without depending on the inbox.
 */
public interface MemberDirectory {

	/** The member as a caller, if they exist (and are not deleted) in the workspace. */
	Optional<Caller> asCaller(WorkspaceId workspace, String memberId);

	/** A member who may sign in with this email: where, who, and the hash their password must match. */
	record SignIn(WorkspaceId workspace, String memberId, String passwordHash) {
	}

	/** The member is using the console now: what auto-away goes by. Called at most once a minute per member. */
	default void seen(WorkspaceId workspace, String memberId) {
	}

	/** Every member (in any workspace) with this email and a password set, newest first. */
	java.util.List<SignIn> signIns(String email);
}
