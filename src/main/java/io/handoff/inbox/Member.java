package io.handoff.inbox;

import java.time.Instant;
import java.util.List;

/**
 * A team member (agent) who can be assigned chats on the business numbers where they hold a role.
 *
 * @param orgRole the name of the member's role in the workspace
 * @param numberRoles the member's role on each business number they work on
 * @param availability whether the member takes new chats now; bots may assign to online members only
 */
public record Member(MemberId id, String name, String email, String phone, String orgRole,
		List<NumberRole> numberRoles, Availability availability, Instant createdAt) {

	public enum Availability {
		@com.fasterxml.jackson.annotation.JsonProperty("online") ONLINE,
		@com.fasterxml.jackson.annotation.JsonProperty("busy") BUSY,
		@com.fasterxml.jackson.annotation.JsonProperty("offline") OFFLINE;

		String dbValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		/** What a person typed or a form sent ({@code online}, {@code Busy}), refused in words when it is neither. */
		public static Availability parse(String value, String field) {
			try {
				return valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
			}
			catch (IllegalArgumentException e) {
				throw new io.handoff.platform.HandoffException.InvalidInput(field, "must be online, busy or offline");
			}
		}

		static Availability fromDb(String value) {
			return valueOf(value.toUpperCase(java.util.Locale.ROOT));
		}
	}

	public record NumberRole(BusinessNumberId businessNumberId, String role) {
	}
}
