package io.handoff.web;

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

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.Connection;
import io.handoff.connectors.ConnectionService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.PageRequest;

/** Settings → Connections: credentials of CRMs, Google service accounts and HTTP APIs; secrets are never shown back. */
@Controller
class ConnectionsController {

	private final ConnectionService connections;
	private final JsonMapper json;
	private final io.handoff.connectors.ConnectionChecks checks;

	ConnectionsController(ConnectionService connections, io.handoff.connectors.ConnectionChecks checks, JsonMapper json) {
		this.checks = checks;
		this.connections = connections;
		this.json = json;
	}

	@GetMapping("/settings/connections")
	String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String after, Model model) {
		fill(caller, after, model, Map.of(), Map.of());
		return "settings/connections";
	}

	@PostMapping("/settings/connections")
	String create(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> form, Model model,
			RedirectAttributes redirect) {
		String type = form.getOrDefault("type", "");
		ObjectNode settings = json.createObjectNode();
		ObjectNode secrets = json.createObjectNode();
		for (String name : new String[] { "baseUrl", "instanceUrl", "dataCentre", "auth", "username", "headerName", "phoneNumberId", "businessAccountId" }) {
			String value = form.get("settings." + name);
			if (value != null && !value.isBlank()) {
				settings.put(name, value.strip());
			}
		}
		for (String name : new String[] { "token", "password", "headerValue", "key", "accessToken" }) {
			String value = form.get("secrets." + name);
			if (value != null && !value.isBlank()) {
				secrets.put(name, value);
			}
		}
		try {
			Connection created = connections.create(caller, new ConnectionService.Settings(
					type.isBlank() ? null : Connection.Type.valueOf(type.toUpperCase(Locale.ROOT)), form.get("name"), settings,
					secrets));
			redirect.addFlashAttribute("flash", created.name() + " saved");
			return "redirect:/settings/connections";
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			form.keySet().removeIf(k -> k.startsWith("secrets.") || k.equals("_csrf"));
			fill(caller, null, model, form, Map.of(e.field() == null ? "form" : e.field(), e.getMessage()));
			return "settings/connections";
		}
	}

	@PostMapping("/settings/connections/{id}/test")
	String test(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) throws InterruptedException {
		model.addAttribute("check", checks.check(caller, id));
		return "settings/connections :: check";
	}

	@PostMapping("/settings/connections/{id}/delete")
	String delete(@AuthenticationPrincipal Caller caller, @PathVariable String id, RedirectAttributes redirect) {
		connections.delete(caller, id);
		redirect.addFlashAttribute("flash", "Connection deleted");
		return "redirect:/settings/connections";
	}

	private void fill(Caller caller, String after, Model model, Map<String, String> form, Map<String, String> errors) {
		model.addAttribute("connections",
				connections.list(caller, new PageRequest(50, after)));
		model.addAttribute("form", form);
		model.addAttribute("errors", errors);
	}
}
