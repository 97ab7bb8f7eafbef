package io.handoff.inbox;

import java.time.Instant;
import java.util.List;

/**
 * A team member (agent) who can be assigned chats on the business numbers where they hold a role.
 *
 * @param orgRole the name of the member's role in the workspace
 * @param numberRoles the member's role on each business number they work on
 */
public record Member(MemberId id, String name, String email, String phone, String orgRole,
		List<NumberRole> numberRoles, Instant createdAt) {

	public record NumberRole(BusinessNumberId businessNumberId, String role) {
	}
}
