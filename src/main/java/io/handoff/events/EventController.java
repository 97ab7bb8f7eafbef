package io.handoff.events;

import java.util.List;
import java.util.Map;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

@RestController
@RequestMapping("/api/v1")
class EventController {

	private final EventService events;
	private final EventCatalog catalog;
	private final HandoffProperties properties;

	EventController(EventService events, EventCatalog catalog, HandoffProperties properties) {
		this.events = events;
		this.catalog = catalog;
		this.properties = properties;
	}

	/** The catalog: each event type with its JSON Schema and an example payload. */
	@GetMapping("/event-types")
	Map<String, List<EventCatalog.Entry>> eventTypes() {
		return Map.of("data", catalog.entries());
	}

	@GetMapping("/events")
	Page<Event> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String type,
			@RequestParam(required = false) String chatId, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		EventType eventType = type == null ? null : EventType.fromWire(type)
			.orElseThrow(() -> new HandoffException.InvalidInput("type", "'" + type + "' is not an event type"));
		return events.list(caller, eventType, chatId, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/events/{id}")
	Event get(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return events.get(caller, new EventId(id));
	}
}
