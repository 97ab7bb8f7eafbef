package io.handoff.inbox;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.Timestamps;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Ids;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.PhoneNumbers;
import io.handoff.platform.WorkspaceId;

/** Business numbers, roles and team members of a workspace. */
@Service
public class TeamService {

	private final BusinessNumbers numbers;
	private final Roles roles;
	private final Members members;
	private final PasswordEncoder passwords;
	private final Clock clock;

	TeamService(BusinessNumbers numbers, Roles roles, Members members, PasswordEncoder passwords, Clock clock) {
		this.numbers = numbers;
		this.roles = roles;
		this.members = members;
		this.passwords = passwords;
		this.clock = clock;
	}

	/**
	 * What describes a business number. On update, null components keep their current value.
	 */
	public record NumberDetails(String number, String displayName, String wabaId, String phoneNumberId) {
	}

	@Transactional
	public BusinessNumber createNumber(WorkspaceId workspace, NumberDetails details) {
		String e164 = PhoneNumbers.toE164("number", details.number());
		requireText("displayName", details.displayName(), 100);
		if (numbers.findByNumber(workspace, e164).isPresent()) {
			throw new HandoffException.Conflict("number", e164 + " is already a business number of this workspace");
		}
		BusinessNumber number = new BusinessNumber(BusinessNumberId.next(), e164, details.displayName(),
				blankToNull(details.wabaId()), blankToNull(details.phoneNumberId()), Timestamps.now(clock));
		checkPhoneNumberId(number);
		numbers.insert(workspace, number);
		return number;
	}

	@Transactional
	public BusinessNumber updateNumber(WorkspaceId workspace, BusinessNumberId id, NumberDetails details) {
		BusinessNumber current = number(workspace, id, "id");
		if (details.number() != null && !PhoneNumbers.toE164("number", details.number()).equals(current.number())) {
			throw new HandoffException.RuleViolation("number",
					"the number of a business number cannot change; add a new business number instead");
		}
		BusinessNumber updated = new BusinessNumber(id, current.number(),
				details.displayName() != null ? details.displayName() : current.displayName(),
				details.wabaId() != null ? blankToNull(details.wabaId()) : current.wabaId(),
				details.phoneNumberId() != null ? blankToNull(details.phoneNumberId()) : current.phoneNumberId(),
				current.createdAt());
		checkPhoneNumberId(updated);
		numbers.update(workspace, updated);
		return updated;
	}

	@Transactional
	public void deleteNumber(WorkspaceId workspace, BusinessNumberId id) {
		number(workspace, id, "id");
		if (numbers.hasChats(id)) {
			throw new HandoffException.Conflict("id", "the business number has chats and cannot be deleted");
		}
		numbers.delete(workspace, id);
	}

	public BusinessNumber number(WorkspaceId workspace, BusinessNumberId id, String field) {
		return numbers.find(workspace, id)
			.orElseThrow(() -> new HandoffException.NotFound(field, "business number", id.value()));
	}

	/** The business number with this E.164 number (in any accepted spelling) or id. */
	public BusinessNumber numberByNumberOrId(WorkspaceId workspace, String numberOrId, String field) {
		if (numberOrId != null && numberOrId.startsWith(BusinessNumberId.PREFIX + "_")) {
			return number(workspace, new BusinessNumberId(numberOrId), field);
		}
		String e164 = PhoneNumbers.toE164(field, numberOrId);
		return numbers.findByNumber(workspace, e164)
			.orElseThrow(() -> new HandoffException.NotFound(field, "business number", e164));
	}

	/** The number WhatsApp calls {@code phoneNumberId}, if this workspace has registered it. */
	public java.util.Optional<BusinessNumber> numberByPhoneNumberId(WorkspaceId workspace, String phoneNumberId) {
		return numbers.findByPhoneNumberId(workspace, phoneNumberId);
	}

	public Page<BusinessNumber> numbers(WorkspaceId workspace, PageRequest page) {
		return Page.of(numbers.list(workspace, page), page.limit(), n -> n.id().value());
	}

	public List<Role> roles(WorkspaceId workspace) {
		return roles.list(workspace);
	}

	@Transactional
	public Role createRole(WorkspaceId workspace, String name, Role.Base base) {
		if (roles.findByName(workspace, name).isPresent()) {
			throw new HandoffException.Conflict("name", "a role named '" + name + "' already exists");
		}
		Role role = new Role(Ids.next("role"), name, base, false);
		roles.insert(workspace, role);
		return role;
	}

	/**
	 * What describes a member. On update, null components keep their current value; {@code numberRoles}, when
	 * given, replaces all of the member's number roles.
	 *
	 * @param orgRole a role name, built-in or custom
	 * @param numberRoles role names by business number
	 */
	public record MemberDetails(String name, String email, String phone, String orgRole,
			Map<BusinessNumberId, String> numberRoles) {
	}

	@Transactional
	public Member createMember(WorkspaceId workspace, MemberDetails details) {
		requireText("name", details.name(), 100);
		requireText("email", details.email(), 254);
		if (!details.email().strip().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
			throw new HandoffException.InvalidInput("email", "must be an email address");
		}
		if (members.emailTaken(workspace, details.email(), null)) {
			throw new HandoffException.Conflict("email", "a member with this email already exists");
		}
		Role orgRole = role(workspace, details.orgRole(), "orgRole");
		Map<BusinessNumberId, String> numberRoles = numberRoleIds(workspace, details.numberRoles());
		MemberId id = MemberId.next();
		members.insert(workspace, id, details.name(), details.email(), phoneOrNull(details.phone()), orgRole.id(),
				Timestamps.now(clock));
		members.replaceNumberRoles(id, numberRoles);
		return member(workspace, id, "id");
	}

	@Transactional
	public Member updateMember(WorkspaceId workspace, MemberId id, MemberDetails details) {
		Member current = member(workspace, id, "id");
		String email = details.email() != null ? details.email() : current.email();
		if (members.emailTaken(workspace, email, id)) {
			throw new HandoffException.Conflict("email", "a member with this email already exists");
		}
		Role orgRole = role(workspace, details.orgRole() != null ? details.orgRole() : current.orgRole(), "orgRole");
		members.update(workspace, id, details.name() != null ? details.name() : current.name(), email,
				details.phone() != null ? phoneOrNull(details.phone()) : current.phone(), orgRole.id());
		if (details.numberRoles() != null) {
			members.replaceNumberRoles(id, numberRoleIds(workspace, details.numberRoles()));
		}
		return member(workspace, id, "id");
	}

	// Owners are protected from everyone but Owners: a Team Lead cannot take a workspace over by changing an Owner's
	// role, email or password, or by removing them; and a workspace always keeps an Owner.

	@Transactional
	public Member updateMember(Caller caller, MemberId id, MemberDetails details) {
		caller.requireManager();
		Member current = member(caller.workspaceId(), id, "id");
		boolean isOwner = isOwner(caller.workspaceId(), id);
		if (isOwner) {
			caller.requireOwner("change an Owner's details or role");
			if (details.orgRole() != null && role(caller.workspaceId(), details.orgRole(), "orgRole").base() != Role.Base.OWNER) {
				requireAnotherOwner(caller.workspaceId(), id, "orgRole");
			}
		}
		else if (details.orgRole() != null && role(caller.workspaceId(), details.orgRole(), "orgRole").base() == Role.Base.OWNER) {
			caller.requireOwner("make someone an Owner");
		}
		return updateMember(caller.workspaceId(), current.id(), details);
	}

	@Transactional
	public void setPassword(Caller caller, MemberId id, String password) {
		boolean self = caller.kind() == Caller.Kind.MEMBER && caller.id().equals(id.value());
		if (!self) {
			caller.requireManager();
			if (isOwner(caller.workspaceId(), id)) {
				caller.requireOwner("set an Owner's password");
			}
		}
		setPassword(caller.workspaceId(), id, password);
	}

	@Transactional
	public void deleteMember(Caller caller, MemberId id) {
		caller.requireManager();
		if (isOwner(caller.workspaceId(), id)) {
			caller.requireOwner("remove an Owner");
			requireAnotherOwner(caller.workspaceId(), id, "id");
		}
		deleteMember(caller.workspaceId(), id);
	}

	private boolean isOwner(WorkspaceId workspace, MemberId id) {
		return members.access(workspace, id).map(a -> a.base() == Role.Base.OWNER).orElse(false);
	}

	private void requireAnotherOwner(WorkspaceId workspace, MemberId leaving, String field) {
		if (members.ownersOtherThan(workspace, leaving) == 0) {
			throw new HandoffException.RuleViolation(field,
					"a workspace keeps at least one Owner: make someone else an Owner first");
		}
	}

	/**
	 * Removes a member. Their past assignments stay in the history under their name; a member who still holds open
	 * chats cannot be removed until those are reassigned, so no open chat is left with an owner who cannot act.
	 */
	@Transactional
	public void deleteMember(WorkspaceId workspace, MemberId id) {
		member(workspace, id, "id");
		int open = members.openAssignedChats(id);
		if (open > 0) {
			throw new HandoffException.Conflict("id",
					"the member holds " + open + " open chat(s); reassign or unassign them first");
		}
		members.softDelete(workspace, id, Timestamps.now(clock));
	}

	/** Whether the member takes new chats now; a member may set their own, managers anyone's. */
	@Transactional
	public Member setAvailability(Caller caller, MemberId id, Member.Availability availability) {
		if (!(caller.kind() == Caller.Kind.MEMBER && caller.id().equals(id.value()))) {
			caller.requireManager();
		}
		return setAvailability(caller.workspaceId(), id, availability);
	}

	@Transactional
	public Member setAvailability(WorkspaceId workspace, MemberId id, Member.Availability availability) {
		member(workspace, id, "id");
		if (availability == null) {
			throw new HandoffException.InvalidInput("availability", "must be one of online, busy, offline");
		}
		members.setAvailability(workspace, id, availability);
		return member(workspace, id, "id");
	}

	/** A member who could take a chat, with the number of open chats they hold now. */
	public record Candidate(MemberId id, String name, int openChats) {
	}

	/**
	 * Of {@code pool}, in its order, the members who can be assigned a chat on {@code number}: not deleted, with a role
	 * on the number and, if {@code onlineOnly}, online.
	 */
	public List<Candidate> candidates(WorkspaceId workspace, BusinessNumberId number, List<MemberId> pool,
			boolean onlineOnly) {
		return members.candidates(workspace, number, pool, onlineOnly);
	}

	/** Lets the member sign in to the web console with this password. */
	@Transactional
	public void setPassword(WorkspaceId workspace, MemberId id, String password) {
		member(workspace, id, "id");
		if (password == null || password.length() < 12) {
			throw new HandoffException.InvalidInput("password", "must be at least 12 characters long");
		}
		if (password.length() > 128) {
			throw new HandoffException.InvalidInput("password", "must be at most 128 characters long");
		}
		if (CommonPasswords.contains(password)) {
			throw new HandoffException.InvalidInput("password",
					"is one of the passwords people choose most often; choose one that others would not guess");
		}
		if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 72) {
			// bcrypt reads no further than 72 bytes: a longer password would be cut without the member knowing.
			throw new HandoffException.InvalidInput("password", "must be at most 72 bytes (72 letters without accents)");
		}
		members.setPasswordHash(workspace, id, passwords.encode(password));
	}

	public Member member(WorkspaceId workspace, MemberId id, String field) {
		return members.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound(field, "member", id.value()));
	}

	public MemberId memberIdByEmail(WorkspaceId workspace, String email, String field) {
		return members.findIdByEmail(workspace, email)
			.orElseThrow(() -> new HandoffException.NotFound(field, "member with email", email));
	}

	/** Members, optionally only those with a role on {@code onNumber}: the ones who can be assigned its chats. */
	public Page<Member> members(WorkspaceId workspace, BusinessNumberId onNumber, PageRequest page) {
		if (onNumber != null) {
			number(workspace, onNumber, "businessNumberId");
		}
		return Page.of(members.list(workspace, onNumber, page), page.limit(), m -> m.id().value());
	}

	private Role role(WorkspaceId workspace, String name, String field) {
		if (name == null || name.isBlank()) {
			throw new HandoffException.InvalidInput(field, "must not be blank");
		}
		return roles.findByName(workspace, name.strip())
			.orElseThrow(() -> new HandoffException.InvalidInput(field, "'" + name + "' is not a role of this workspace; known roles: "
					+ String.join(", ", roles.list(workspace).stream().map(Role::name).toList())));
	}

	private Map<BusinessNumberId, String> numberRoleIds(WorkspaceId workspace, Map<BusinessNumberId, String> named) {
		Map<BusinessNumberId, String> ids = new LinkedHashMap<>();
		if (named != null) {
			named.forEach((number, roleName) -> {
				String field = "numberRoles." + number.value();
				number(workspace, number, field);
				ids.put(number, role(workspace, roleName, field).id());
			});
		}
		return ids;
	}

	private void checkPhoneNumberId(BusinessNumber number) {
		if (number.phoneNumberId() != null && numbers.phoneNumberIdTaken(number.phoneNumberId(), number.id())) {
			throw new HandoffException.Conflict("phoneNumberId",
					"this phone number id is already registered to another business number");
		}
	}

	private static String phoneOrNull(String phone) {
		return phone == null || phone.isBlank() ? null : PhoneNumbers.toE164("phone", phone);
	}

	private static void requireText(String field, String value, int max) {
		if (value == null || value.isBlank()) {
			throw new HandoffException.InvalidInput(field, "must not be blank");
		}
		if (value.strip().length() > max) {
			throw new HandoffException.InvalidInput(field, "must be at most " + max + " characters");
		}
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}
}
