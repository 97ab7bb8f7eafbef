package io.handoff.inbox;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A role a member holds in the workspace or on one business number. The built-in ones carry the names inbox products
 * use; a custom role has its own name and acts as one of the bases.
 */
public record Role(String id, String name, Base base, boolean builtIn) {

	public static final String OWNER = "Owner";
	public static final String TEAM_LEAD = "Team Lead";
	public static final String TEAM_MEMBER = "Team Member";
	public static final String TEAM_MEMBER_ASSIGNED = "Team Member (assigned chats only)";

	/** What a role may do. */
	public enum Base {
		/** Everything, including billing and ownership. */
		@JsonProperty("owner") OWNER(Role.OWNER),
		/** Manages settings, numbers, members and integrations; sees all chats. */
		@JsonProperty("team_lead") TEAM_LEAD(Role.TEAM_LEAD),
		/** Works in the inbox and sees all chats of the numbers they are on. */
		@JsonProperty("team_member") TEAM_MEMBER(Role.TEAM_MEMBER),
		/** Works in the inbox and sees only the chats assigned to them. */
		@JsonProperty("team_member_assigned") TEAM_MEMBER_ASSIGNED(Role.TEAM_MEMBER_ASSIGNED);

		private final String builtInName;

		Base(String builtInName) {
			this.builtInName = builtInName;
		}

		public String builtInName() {
			return builtInName;
		}

		String dbValue() {
			return name().toLowerCase();
		}

		static Base fromDb(String value) {
			return valueOf(value.toUpperCase());
		}

		public boolean managesSettings() {
			return this == OWNER || this == TEAM_LEAD;
		}
	}
}
