package io.handoff.inbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

@RestController
@RequestMapping("/api/v1/members")
class MemberController {

	private final TeamService team;
	private final HandoffProperties properties;

	MemberController(TeamService team, HandoffProperties properties) {
		this.team = team;
		this.properties = properties;
	}

	record NumberRoleRequest(@NotNull BusinessNumberId businessNumberId, @NotBlank String role) {
	}

	record CreateMember(@NotBlank @Size(max = 100) String name, @NotBlank @Email @Size(max = 254) String email,
			String phone, @NotBlank String orgRole, List<@Valid NumberRoleRequest> numberRoles) {
	}

	record UpdateMember(@Size(min = 1, max = 100) String name, @Email @Size(min = 3, max = 254) String email,
			String phone, String orgRole, List<@Valid NumberRoleRequest> numberRoles) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Member create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateMember request) {
		caller.requireManager();
		return team.createMember(caller.workspaceId(), new TeamService.MemberDetails(request.name().strip(),
				request.email().strip(), request.phone(), request.orgRole(), byNumber(request.numberRoles())));
	}

	@GetMapping
	Page<Member> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) BusinessNumberId businessNumberId,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		return team.members(caller.workspaceId(), businessNumberId, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}")
	Member get(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id) {
		return team.member(caller.workspaceId(), id, "id");
	}

	@PatchMapping("/{id}")
	Member update(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id,
			@Valid @RequestBody UpdateMember request) {
		return team.updateMember(caller, id,
				new TeamService.MemberDetails(request.name(), request.email(), request.phone(), request.orgRole(),
						request.numberRoles() == null ? null : byNumber(request.numberRoles())));
	}

	record AvailabilityRequest(Member.Availability availability) {
	}

	/** Online, busy or offline: members set their own, Owners and Team Leads anyone's. */
	@PutMapping("/{id}/availability")
	Member setAvailability(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id,
			@RequestBody AvailabilityRequest request) {
		return team.setAvailability(caller, id, request.availability());
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id) {
		team.deleteMember(caller, id);
	}

	private static Map<BusinessNumberId, String> byNumber(List<NumberRoleRequest> roles) {
		Map<BusinessNumberId, String> map = new LinkedHashMap<>();
		if (roles != null) {
			for (int i = 0; i < roles.size(); i++) {
				if (map.put(roles.get(i).businessNumberId(), roles.get(i).role()) != null) {
					throw new HandoffException.InvalidInput("numberRoles[" + i + "].businessNumberId",
							"names a business number listed twice; a member has one role per number");
				}
			}
		}
		return map;
	}
}
