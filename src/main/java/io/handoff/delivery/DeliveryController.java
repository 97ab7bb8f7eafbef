package io.handoff.delivery;

import java.time.Instant;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
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
import io.handoff.webhooks.EndpointId;

@RestController
@RequestMapping("/api/v1")
class DeliveryController {

	private final DeliveryService deliveries;
	private final HandoffProperties properties;

	DeliveryController(DeliveryService deliveries, HandoffProperties properties) {
		this.deliveries = deliveries;
		this.properties = properties;
	}

	/** The delivery log, newest first; {@code since} and {@code until} are ISO 8601 instants. */
	@GetMapping("/deliveries")
	Page<Delivery> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) EndpointId endpointId,
			@RequestParam(required = false) Delivery.Status status,
			@RequestParam(required = false) String eventType, @RequestParam(required = false) String chatId,
			@RequestParam(required = false) String eventId, @RequestParam(required = false) Instant since, @RequestParam(required = false) Instant until,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		return deliveries.list(caller, new DeliveryService.Filter(endpointId, status, eventType, chatId, eventId, since,
				until),
				PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/deliveries/{id}")
	Delivery get(@AuthenticationPrincipal Caller caller, @PathVariable DeliveryId id) {
		return deliveries.get(caller, id);
	}

	@PostMapping("/deliveries/{id}/resend")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Delivery resend(@AuthenticationPrincipal Caller caller, @PathVariable DeliveryId id) {
		return deliveries.resend(caller, id);
	}

	record Recover(Instant since) {
	}

	/** Sends again every delivery of the endpoint that failed since {@code since}. */
	@PostMapping("/webhooks/{id}/recover")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Integer> recover(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestBody Recover request) {
		return Map.of("queued", deliveries.recover(caller, id, request.since()));
	}

	/** Sends an example event now (chat.assigned unless {@code eventType} names another) and answers what came back. */
	@PostMapping("/webhooks/{id}/test")
	DeliveryService.TestResult test(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestParam(required = false) String eventType) {
		return deliveries.sendTest(caller, id, eventType);
	}
}
