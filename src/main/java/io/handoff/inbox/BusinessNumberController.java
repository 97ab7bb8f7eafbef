package io.handoff.inbox;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

@RestController
@RequestMapping("/api/v1/business-numbers")
class BusinessNumberController {

	private final TeamService team;
	private final HandoffProperties properties;

	BusinessNumberController(TeamService team, HandoffProperties properties) {
		this.team = team;
		this.properties = properties;
	}

	record CreateNumber(@NotBlank String number, @NotBlank @Size(max = 100) String displayName,
			@Size(max = 64) String wabaId, @Size(max = 64) String phoneNumberId) {
	}

	record UpdateNumber(String number, @Size(min = 1, max = 100) String displayName, @Size(max = 64) String wabaId,
			@Size(max = 64) String phoneNumberId) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	BusinessNumber create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateNumber request) {
		caller.requireManager();
		return team.createNumber(caller.workspaceId(), new TeamService.NumberDetails(request.number(),
				request.displayName().strip(), request.wabaId(), request.phoneNumberId()));
	}

	@GetMapping
	Page<BusinessNumber> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		return team.numbers(caller.workspaceId(), PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}")
	BusinessNumber get(@AuthenticationPrincipal Caller caller, @PathVariable BusinessNumberId id) {
		return team.number(caller.workspaceId(), id, "id");
	}

	@PatchMapping("/{id}")
	BusinessNumber update(@AuthenticationPrincipal Caller caller, @PathVariable BusinessNumberId id,
			@Valid @RequestBody UpdateNumber request) {
		caller.requireManager();
		return team.updateNumber(caller.workspaceId(), id, new TeamService.NumberDetails(request.number(),
				request.displayName(), request.wabaId(), request.phoneNumberId()));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable BusinessNumberId id) {
		caller.requireManager();
		team.deleteNumber(caller.workspaceId(), id);
	}
}
