package io.handoff.webhooks;

import java.util.List;
import java.util.Map;

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

/** Settings → Webhooks over the API. Field rules live in {@link WebhookService}, which names the field at fault. */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

	private final WebhookService webhooks;
	private final HandoffProperties properties;

	WebhookController(WebhookService webhooks, HandoffProperties properties) {
		this.webhooks = webhooks;
		this.properties = properties;
	}

	record Settings(String name, String url, List<String> businessNumbers, List<String> eventTypes,
			Map<String, String> headers, EndpointSettings.Auth auth, Endpoint.BodyFormat bodyFormat,
			Endpoint.Ordering ordering, Integer rateLimitPerSecond, Boolean retryOnTimeout,
			List<String> retrySchedule) {

		EndpointSettings toSettings() {
			return new EndpointSettings(name, url, businessNumbers, eventTypes, headers, auth, bodyFormat, ordering,
					rateLimitPerSecond, retryOnTimeout, retrySchedule);
		}
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	WebhookService.Created create(@AuthenticationPrincipal Caller caller, @RequestBody Settings settings) {
		return webhooks.create(caller, settings.toSettings());
	}

	@GetMapping
	Page<Endpoint> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		return webhooks.list(caller, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}")
	Endpoint get(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		return webhooks.get(caller, id);
	}

	@PatchMapping("/{id}")
	Endpoint update(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestBody Settings settings) {
		return webhooks.update(caller, id, settings.toSettings());
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		webhooks.delete(caller, id);
	}

	@PostMapping("/{id}/enable")
	Endpoint enable(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		return webhooks.setEnabled(caller, id, true);
	}

	@PostMapping("/{id}/disable")
	Endpoint disable(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		return webhooks.setEnabled(caller, id, false);
	}

	/** Reveals the signing secret (and the previous one while it still signs). */
	@GetMapping("/{id}/secret")
	WebhookService.Secrets secret(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		return webhooks.revealSecret(caller, id);
	}

	@PostMapping("/{id}/secret/rotate")
	WebhookService.Secrets rotate(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id) {
		return webhooks.rotateSecret(caller, id);
	}
}
