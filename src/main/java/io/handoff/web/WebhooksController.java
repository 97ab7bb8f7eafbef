package io.handoff.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.handoff.delivery.Delivery;
import io.handoff.delivery.DeliveryId;
import io.handoff.delivery.DeliveryService;
import io.handoff.studio.BotService;
import io.handoff.events.EventCatalog;
import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.webhooks.Endpoint;
import io.handoff.webhooks.EndpointId;
import io.handoff.webhooks.EndpointSettings;
import io.handoff.webhooks.WebhookService;

/**
 * Settings → Webhooks: the list with each endpoint's last outcome, New Webhook, the endpoint's page (edit,
 * enable/disable, secret, test event) and its delivery log with attempts, resend and recover. Owners and Team Leads
 * only: the services refuse everyone else, whatever the page shows.
 */
@Controller
class WebhooksController {

	private final WebhookService webhooks;
	private final DeliveryService deliveries;
	private final BotService bots;
	private final EventCatalog catalog;
	private final TeamService team;

	WebhooksController(WebhookService webhooks, DeliveryService deliveries, EventCatalog catalog, TeamService team,
			BotService bots) {
		this.bots = bots;
		this.webhooks = webhooks;
		this.deliveries = deliveries;
		this.catalog = catalog;
		this.team = team;
	}

	/** An endpoint in the list, with its latest delivery. */
	record Row(Endpoint endpoint, Delivery last) {
	}

	@GetMapping("/settings/webhooks")
	String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String after, Model model) {
		Page<Endpoint> page = webhooks.list(caller, new PageRequest(25, after));
		List<Row> rows = new ArrayList<>();
		for (Endpoint endpoint : page.data()) {
			List<Delivery> last = deliveries.list(caller,
					new DeliveryService.Filter(endpoint.id(), null, null, null, null, null, null), new PageRequest(1, null)).data();
			rows.add(new Row(endpoint, last.isEmpty() ? null : last.getFirst()));
		}
		model.addAttribute("rows", rows);
		model.addAttribute("page", page);
		return "webhooks/list";
	}

	@GetMapping("/settings/webhooks/new")
	String newWebhook(@AuthenticationPrincipal Caller caller, Model model) {
		caller.requireManager();
		form(caller, model, new Form(null, "", "", List.of(), List.of("chat.assigned"), "none", "json", "", "none", "", "",
				""), Map.of());
		return "webhooks/form";
	}

	/**
	 * What the form holds, to show it again with errors. The secret and the headers are write-only: left empty when
	 * editing, they keep what the endpoint has.
	 *
	 * @param headers one {@code Name: value} per line
	 */
	record Form(String id, String name, String url, List<String> businessNumbers, List<String> eventTypes,
			String ordering, String bodyFormat, String rateLimit, String authType, String authUsername,
			String authSecret, String headers) {
	}

	/** The request's form fields, as submitted. */
	private static Form form(String id, Map<String, String> fields, List<String> businessNumbers, List<String> eventTypes) {
		return new Form(id, fields.getOrDefault("name", ""), fields.getOrDefault("url", ""), orEmpty(businessNumbers),
				orEmpty(eventTypes), fields.getOrDefault("ordering", "none"), fields.getOrDefault("bodyFormat", "json"),
				fields.getOrDefault("rateLimit", "").strip(), fields.getOrDefault("authType", "none"),
				fields.getOrDefault("authUsername", ""), fields.getOrDefault("authSecret", ""),
				fields.getOrDefault("headers", ""));
	}

	@PostMapping("/settings/webhooks")
	String create(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> fields,
			@RequestParam(required = false) List<String> businessNumbers,
			@RequestParam(required = false) List<String> eventTypes, Model model, RedirectAttributes redirect) {
		Form form = form(null, fields, businessNumbers, eventTypes);
		try {
			WebhookService.Created created = webhooks.create(caller, settings(form, false));
			// Post/Redirect/Get: reloading the page that says "active" must not create the webhook again.
			redirect.addFlashAttribute("secret", created.secret());
			return "redirect:/settings/webhooks/" + created.endpoint().id().value() + "/created";
		}
		catch (HandoffException e) {
			if (e instanceof io.handoff.platform.Caller.Forbidden) {
				throw e;
			}
			form(caller, model, form, Map.of(e.field() == null ? "form" : e.field(), e.getMessage()));
			return "webhooks/form";
		}
	}

	/** The page after New Webhook: the secret in full, once (a reload shows the page without it). */
	@GetMapping("/settings/webhooks/{id}/created")
	String created(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, Model model) {
		Endpoint endpoint = webhooks.get(caller, id);
		model.addAttribute("endpoint", endpoint);
		model.addAttribute("eventNames", eventNames(endpoint));
		return "webhooks/created";
	}

	@GetMapping("/settings/webhooks/{id}/edit")
	String edit(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, Model model) {
		Endpoint endpoint = webhooks.get(caller, id);
		form(caller, model, new Form(id.value(), endpoint.name(), endpoint.url(),
				endpoint.businessNumberIds().stream().map(b -> b.value()).toList(), endpoint.eventTypes(),
				endpoint.ordering().name().toLowerCase(Locale.ROOT), endpoint.bodyFormat().name().toLowerCase(Locale.ROOT),
				endpoint.rateLimitPerSecond() == null ? "" : endpoint.rateLimitPerSecond().toString(),
				endpoint.auth().type().name().toLowerCase(Locale.ROOT),
				endpoint.auth().username() == null ? "" : endpoint.auth().username(), "", ""), Map.of());
		model.addAttribute("currentHeaders", endpoint.headers().keySet());
		return "webhooks/form";
	}

	@PostMapping("/settings/webhooks/{id}")
	String update(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestParam Map<String, String> fields, @RequestParam(required = false) List<String> businessNumbers,
			@RequestParam(required = false) List<String> eventTypes, Model model, RedirectAttributes redirect) {
		Form form = form(id.value(), fields, businessNumbers, eventTypes);
		try {
			webhooks.update(caller, id, settings(form, true));
			redirect.addFlashAttribute("flash", "Saved");
			return "redirect:/settings/webhooks/" + id;
		}
		catch (HandoffException e) {
			if (e instanceof io.handoff.platform.Caller.Forbidden || e instanceof HandoffException.NotFound) {
				throw e;
			}
			form(caller, model, form, Map.of(e.field() == null ? "form" : e.field(), e.getMessage()));
			return "webhooks/form";
		}
	}

	@GetMapping("/settings/webhooks/{id}")
	String detail(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestParam(required = false) Delivery.Status status, @RequestParam(required = false) String after,
			@RequestParam(required = false) String chatId, @RequestParam(required = false) String eventId,
			Model model) {
		Endpoint endpoint = webhooks.get(caller, id);
		model.addAttribute("endpoint", endpoint);
		model.addAttribute("events", catalog.entries());
		model.addAttribute("eventNames", eventNames(endpoint));
		model.addAttribute("numberNames", numberNames(caller, endpoint));
		model.addAttribute("concurrency", deliveries.concurrency(caller, id));
		model.addAttribute("health", deliveries.health(caller, id));
		Page<Delivery> page = deliveries.list(caller, new DeliveryService.Filter(id, status, null, blankToNull(chatId),
				blankToNull(eventId), null, null),
				new PageRequest(20, after));
		model.addAttribute("deliveries", page);
		model.addAttribute("status", status == null ? "" : status.name().toLowerCase());
		model.addAttribute("chatId", chatId == null ? "" : chatId.strip());
		model.addAttribute("eventId", eventId == null ? "" : eventId.strip());
		return "webhooks/detail";
	}

	@PostMapping("/settings/webhooks/{id}/delete")
	String delete(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, RedirectAttributes redirect) {
		String name = webhooks.get(caller, id).name();
		webhooks.delete(caller, id);
		redirect.addFlashAttribute("flash", "Deleted the webhook " + name + " and its delivery log");
		return "redirect:/settings/webhooks";
	}

	@PostMapping("/settings/webhooks/{id}/enabled")
	String enable(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, @RequestParam boolean enabled,
			RedirectAttributes redirect) {
		webhooks.setEnabled(caller, id, enabled);
		redirect.addFlashAttribute("flash", enabled ? "Enabled" : "Disabled");
		return "redirect:/settings/webhooks/" + id;
	}

	@PostMapping("/settings/webhooks/{id}/secret")
	String revealSecret(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, Model model) {
		model.addAttribute("secrets", webhooks.revealSecret(caller, id));
		return "webhooks/detail :: secret";
	}

	@PostMapping("/settings/webhooks/{id}/secret/rotate")
	String rotateSecret(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id, Model model) {
		model.addAttribute("secrets", webhooks.rotateSecret(caller, id));
		model.addAttribute("rotated", true);
		return "webhooks/detail :: secret";
	}

	@PostMapping("/settings/webhooks/{id}/test")
	String test(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestParam(required = false) String eventType, Model model) {
		model.addAttribute("test", deliveries.sendTest(caller, id, eventType));
		return "webhooks/detail :: test";
	}

	/** The event catalog: what each event means, when it is sent, its fields and an example. */
	@GetMapping("/settings/webhooks/events")
	String catalog(@AuthenticationPrincipal Caller caller, Model model) {
		caller.requireManager();
		model.addAttribute("events", catalog.entries());
		return "webhooks/events";
	}

	@GetMapping("/settings/webhooks/{id}/deliveries/{deliveryId}")
	String delivery(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@PathVariable DeliveryId deliveryId, Model model) {
		model.addAttribute("endpoint", webhooks.get(caller, id));
		model.addAttribute("delivery", deliveries.get(caller, deliveryId));
		return "webhooks/delivery";
	}

	@PostMapping("/settings/webhooks/{id}/deliveries/{deliveryId}/resend")
	String resend(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@PathVariable DeliveryId deliveryId, RedirectAttributes redirect) {
		deliveries.resend(caller, deliveryId);
		redirect.addFlashAttribute("flash", "Sent again; the new attempt is at the top of the list");
		return "redirect:/settings/webhooks/" + id + "/deliveries/" + deliveryId;
	}

	@PostMapping("/settings/webhooks/{id}/recover")
	String recover(@AuthenticationPrincipal Caller caller, @PathVariable EndpointId id,
			@RequestParam String since, RedirectAttributes redirect) {
		Instant from;
		try {
			// The page sends UTC (ISO 8601); without script it sends the typed local time, taken as UTC.
			from = Instant.parse(since.length() == 16 ? since + ":00Z" : since);
		}
		catch (DateTimeParseException e) {
			throw new HandoffException.InvalidInput("since", "must be a date and time");
		}
		int count = deliveries.recover(caller, id, from);
		redirect.addFlashAttribute("flash", count + " failed deliveries queued to be sent again");
		return "redirect:/settings/webhooks/" + id;
	}

	private void form(Caller caller, Model model, Form form, Map<String, String> errors) {
		List<BusinessNumber> numbers = team.numbers(caller.workspaceId(), new PageRequest(200, null)).data();
		Map<String, EventCatalog.Entry> events = new LinkedHashMap<>();
		catalog.entries().forEach(e -> events.put(e.type(), e));
		model.addAttribute("form", form);
		model.addAttribute("pageTitle", form.id() == null ? "New Webhook" : "Edit webhook");
		model.addAttribute("numbers", numbers);
		model.addAttribute("events", events.values());
		model.addAttribute("errors", errors);
		model.addAttribute("bots", bots.list(caller, new PageRequest(200, null)).data().stream()
			.filter(b -> b.trigger().hookUrl() != null)
			.toList());
	}

	/** The endpoint's events by their titles: "Chat Assigned to Agent", not chat.assigned. */
	private String eventNames(Endpoint endpoint) {
		return endpoint.eventTypes()
			.stream()
			.map(type -> catalog.entries().stream().filter(e -> e.type().equals(type)).findFirst()
				.map(EventCatalog.Entry::title).orElse(type))
			.collect(java.util.stream.Collectors.joining(", "));
	}

	/** The endpoint's business numbers as people know them: "Acme Support (+91 90000 00000)". */
	private String numberNames(Caller caller, Endpoint endpoint) {
		if (endpoint.allBusinessNumbers()) {
			return "All, including numbers added later";
		}
		return endpoint.businessNumberIds()
			.stream()
			.map(n -> {
				BusinessNumber number = team.number(caller.workspaceId(), n, "businessNumbers");
				return number.displayName() + " (" + number.number() + ")";
			})
			.collect(java.util.stream.Collectors.joining(", "));
	}

	/** The form as endpoint settings; on an edit, empty write-only fields keep what the endpoint has. */
	private static EndpointSettings settings(Form form, boolean editing) {
		Integer rateLimit = null;
		if (!form.rateLimit().isEmpty()) {
			try {
				rateLimit = Integer.parseInt(form.rateLimit());
			}
			catch (NumberFormatException e) {
				throw new HandoffException.InvalidInput("rateLimitPerSecond", "must be a whole number of requests a second");
			}
		}
		else if (editing) {
			rateLimit = 0;
		}
		Endpoint.AuthType authType = Endpoint.AuthType.valueOf(form.authType().toUpperCase(Locale.ROOT));
		EndpointSettings.Auth auth = switch (authType) {
			case NONE -> new EndpointSettings.Auth(Endpoint.AuthType.NONE, null, null, null);
			case BASIC -> editing && form.authSecret().isEmpty() ? null
					: new EndpointSettings.Auth(authType, form.authUsername(), form.authSecret(), null);
			case BEARER -> editing && form.authSecret().isEmpty() ? null
					: new EndpointSettings.Auth(authType, null, null, form.authSecret());
		};
		Map<String, String> headers = null;
		if (!form.headers().isBlank() || !editing) {
			headers = new LinkedHashMap<>();
			for (String line : form.headers().split("\\R")) {
				if (line.isBlank()) {
					continue;
				}
				int colon = line.indexOf(':');
				if (colon <= 0) {
					throw new HandoffException.InvalidInput("headers", "must be one 'Name: value' per line");
				}
				headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
			}
		}
		return new EndpointSettings(form.name(), form.url(), form.businessNumbers(), form.eventTypes(), headers, auth,
				Endpoint.BodyFormat.valueOf(form.bodyFormat().toUpperCase(Locale.ROOT)),
				Endpoint.Ordering.valueOf(form.ordering().toUpperCase(Locale.ROOT)), rateLimit, null, null);
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}

	private static List<String> orEmpty(List<String> values) {
		return values == null ? List.of() : values;
	}
}
