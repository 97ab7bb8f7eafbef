package io.handoff.connectors;

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

/** Connections over the API: credentials of HTTP APIs, Google service accounts and CRMs (secrets shown never). */
@RestController
@RequestMapping("/api/v1/connections")
class ConnectionController {

	private final ConnectionService connections;
	private final ConnectionChecks checks;
	private final HandoffProperties properties;

	ConnectionController(ConnectionService connections, ConnectionChecks checks, HandoffProperties properties) {
		this.checks = checks;
		this.connections = connections;
		this.properties = properties;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Connection create(@AuthenticationPrincipal Caller caller, @RequestBody ConnectionService.Settings settings) {
		return connections.create(caller, settings);
	}

	@GetMapping
	Page<Connection> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		return connections.list(caller, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}")
	Connection get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return connections.get(caller, id);
	}

	@PatchMapping("/{id}")
	Connection update(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestBody ConnectionService.Settings settings) {
		return connections.update(caller, id, settings);
	}

	/** Test connection: one harmless call with the credentials, answered as {@code {ok, message}}. */
	@PostMapping("/{id}/test")
	ConnectionChecks.Check test(@AuthenticationPrincipal Caller caller, @PathVariable String id)
			throws InterruptedException {
		return checks.check(caller, id);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		connections.delete(caller, id);
	}
}
