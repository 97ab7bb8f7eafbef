package io.handoff.inbox;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;

@RestController
@RequestMapping("/api/v1/roles")
class RoleController {

	private final TeamService team;

	RoleController(TeamService team) {
		this.team = team;
	}

	/** A custom role: its own name, and the built-in role whose rights it has. */
	record CreateRole(@NotBlank @Size(max = 60) String name, @NotNull Role.Base base) {
	}

	@GetMapping
	List<Role> list(@AuthenticationPrincipal Caller caller) {
		return team.roles(caller.workspaceId());
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Role create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateRole request) {
		caller.requireManager();
		return team.createRole(caller.workspaceId(), request.name().strip(), request.base());
	}
}
