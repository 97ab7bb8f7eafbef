package io.handoff.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Create, list and revoke API keys: Owners, Team Leads and workspace keys only. A new key's value is in the creation
 * answer and nowhere else.
 */
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {

	private final ApiKeyService apiKeys;
	private final HandoffProperties properties;

	ApiKeyController(ApiKeyService apiKeys, HandoffProperties properties) {
		this.apiKeys = apiKeys;
		this.properties = properties;
	}

	/** @param memberId the member the key acts for; absent for a workspace key */
	record CreateApiKey(@NotBlank @Size(max = 100) String name, String memberId) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	ApiKey.Created create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateApiKey request) {
		return apiKeys.create(caller, request.name().strip(), request.memberId());
	}

	@GetMapping
	Page<ApiKey> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		caller.requireManager();
		return apiKeys.list(caller.workspaceId(), PageRequest.of(limit, after, properties.api()));
	}

	@DeleteMapping("/{id}")
	ApiKey revoke(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return apiKeys.revoke(caller, id);
	}
}
