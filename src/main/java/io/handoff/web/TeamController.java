package io.handoff.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.BusinessNumberId;
import io.handoff.inbox.Member;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.platform.ApiKey;
import io.handoff.platform.ApiKeyService;
import io.handoff.platform.Caller;
import io.handoff.platform.ConsoleSessions;
import io.handoff.platform.HandoffException;
import io.handoff.platform.MemberDirectory;
import io.handoff.platform.PageRequest;

/**
 * Settings → Team, Numbers and API keys: members with their workspace role and a role per number, business numbers,
 * and API keys (shown once). Owners and Team Leads only.
 */
@Controller
class TeamController {

	private final TeamService team;
	private final ApiKeyService apiKeys;
	private final MemberDirectory members;

	TeamController(TeamService team, ApiKeyService apiKeys, MemberDirectory members) {
		this.members = members;
		this.team = team;
		this.apiKeys = apiKeys;
	}

	@GetMapping("/settings/team")
	String team(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String after, Model model) {
		caller.requireManager();
		fill(caller, after, model, Map.of());
		return "settings/team";
	}

	@PostMapping("/settings/team/members")
	String addMember(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String name,
			@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String phone,
			@RequestParam(defaultValue = "") String orgRole, @RequestParam Map<String, String> form, Model model,
			RedirectAttributes redirect) {
		caller.requireManager();
		Map<BusinessNumberId, String> numberRoles = new LinkedHashMap<>();
		form.forEach((key, value) -> {
			if (key.startsWith("role-") && !value.isBlank()) {
				numberRoles.put(new BusinessNumberId(key.substring(5)), value);
			}
		});
		try {
			team.createMember(caller.workspaceId(), new TeamService.MemberDetails(name.strip(), email.strip(), phone,
					orgRole, numberRoles));
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			model.addAttribute("memberForm", form);
			fill(caller, null, model, Map.of(e.field() == null ? "form" : e.field(), e.getMessage()));
			return "settings/team";
		}
		redirect.addFlashAttribute("flash", name.strip() + " added");
		return "redirect:/settings/team";
	}

	/** Changes a member's workspace role and their role on each number ("No access" removes one). */
	@PostMapping("/settings/team/members/{id}/roles")
	String setRoles(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id, @RequestParam String orgRole,
			@RequestParam Map<String, String> form, RedirectAttributes redirect) {
		caller.requireManager();
		Map<BusinessNumberId, String> numberRoles = new LinkedHashMap<>();
		form.forEach((key, value) -> {
			if (key.startsWith("role-") && !value.isBlank()) {
				numberRoles.put(new BusinessNumberId(key.substring(5)), value);
			}
		});
		try {
			team.updateMember(caller, id, new TeamService.MemberDetails(null, null, null, orgRole, numberRoles));
			redirect.addFlashAttribute("flash", "Roles saved");
		}
		catch (Caller.Forbidden | HandoffException.NotFound e) {
			// Not the caller's to change: the same 403 or 404 the API gives, as a page.
			throw e;
		}
		catch (HandoffException e) {
			redirect.addFlashAttribute("flashError", e.getMessage());
		}
		return "redirect:/settings/team";
	}

	/** Owners and Team Leads set anyone's availability (an agent who forgot to go offline, for one). */
	@PostMapping("/settings/team/members/{id}/availability")
	String setAvailability(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id,
			@RequestParam String availability, RedirectAttributes redirect) {
		Member.Availability value = Member.Availability.parse(availability, "availability");
		Member member = team.setAvailability(caller, id, value);
		redirect.addFlashAttribute("flash", member.name() + " is " + value.name().toLowerCase(java.util.Locale.ROOT));
		return "redirect:/settings/team";
	}

	@PostMapping("/settings/team/members/{id}/password")
	String setPassword(@AuthenticationPrincipal Caller caller, @PathVariable MemberId id,
			@RequestParam String password, RedirectAttributes redirect, HttpServletRequest request,
			HttpServletResponse response) {
		caller.requireManager();
		try {
			team.setPassword(caller, id, password);
		}
		catch (HandoffException.InvalidInput e) {
			redirect.addFlashAttribute("flashError", "Password " + e.getMessage());
			return "redirect:/settings/team";
		}
		if (caller.kind() == Caller.Kind.MEMBER && caller.id().equals(id.value())) {
			// The member's other sessions end; this one, where they chose it, goes on with the new password.
			ConsoleSessions.signIn(members.asCaller(caller.workspaceId(), caller.id()).orElseThrow(), request, response);
			redirect.addFlashAttribute("flash", "Your password is changed; your other sessions are signed out");
		}
		else {
			redirect.addFlashAttribute("flash", "Password set; the member can sign in, and their other sessions end");
		}
		return "redirect:/settings/team";
	}

	@PostMapping("/settings/numbers")
	String addNumber(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String number,
			@RequestParam(defaultValue = "") String displayName, @RequestParam(defaultValue = "") String wabaId,
			@RequestParam(defaultValue = "") String phoneNumberId, Model model, RedirectAttributes redirect) {
		caller.requireManager();
		try {
			BusinessNumber created = team.createNumber(caller.workspaceId(),
					new TeamService.NumberDetails(number, displayName.strip(), wabaId, phoneNumberId));
			redirect.addFlashAttribute("flash", created.number() + " added");
			return "redirect:/settings/team";
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			model.addAttribute("numberForm", Map.of("number", number, "displayName", displayName, "wabaId", wabaId,
					"phoneNumberId", phoneNumberId));
			fill(caller, null, model, Map.of("number." + (e.field() == null ? "form" : e.field()), e.getMessage()));
			return "settings/team";
		}
	}

	/** A number's WhatsApp ids: what routes its messages in, and which connection its replies go out through. */
	@PostMapping("/settings/numbers/{id}")
	String updateNumber(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestParam(defaultValue = "") String wabaId, @RequestParam(defaultValue = "") String phoneNumberId,
			Model model, RedirectAttributes redirect) {
		caller.requireManager();
		try {
			BusinessNumber updated = team.updateNumber(caller.workspaceId(), new io.handoff.inbox.BusinessNumberId(id),
					new TeamService.NumberDetails(null, null, wabaId.strip(), phoneNumberId.strip()));
			redirect.addFlashAttribute("flash", updated.displayName() + " saved");
			return "redirect:/settings/team#business-numbers";
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden || e instanceof HandoffException.NotFound) {
				throw e;
			}
			model.addAttribute("numberForm", Map.of());
			fill(caller, null, model, Map.of("number.form", e.getMessage()));
			return "settings/team";
		}
	}

	@PostMapping("/settings/api-keys")
	String createKey(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String name, Model model) {
		caller.requireManager();
		if (name.isBlank()) {
			fill(caller, null, model, Map.of("key.name", "must not be blank"));
			return "settings/team";
		}
		ApiKey.Created created = apiKeys.create(caller.workspaceId(), name.strip());
		model.addAttribute("newKey", created.key());
		fill(caller, null, model, Map.of());
		return "settings/team";
	}

	@PostMapping("/settings/api-keys/{id}/revoke")
	String revokeKey(@AuthenticationPrincipal Caller caller, @PathVariable String id, RedirectAttributes redirect) {
		caller.requireManager();
		try {
			apiKeys.revoke(caller, id);
			redirect.addFlashAttribute("flash", "Key revoked");
		}
		catch (Caller.Forbidden e) {
			redirect.addFlashAttribute("flashError", e.getMessage());
		}
		return "redirect:/settings/team";
	}

	private void fill(Caller caller, String after, Model model, Map<String, String> errors) {
		var members = team.members(caller.workspaceId(), null,
				new PageRequest(50, after));
		model.addAttribute("members", members);
		Map<String, Map<String, String>> roleOf = new java.util.HashMap<>();
		members.data().forEach(m -> m.numberRoles().forEach(r -> roleOf.computeIfAbsent(m.id().value(),
				k -> new java.util.HashMap<>()).put(r.businessNumberId().value(), r.role())));
		model.addAttribute("roleOf", roleOf);
		var numbers = team.numbers(caller.workspaceId(), new PageRequest(200, null)).data();
		model.addAttribute("numbers", numbers);
		Map<String, String> numberNames = new java.util.HashMap<>();
		numbers.forEach(n -> numberNames.put(n.id().value(), n.displayName()));
		model.addAttribute("numberNames", numberNames);
		var roles = team.roles(caller.workspaceId());
		model.addAttribute("roles", roles);
		// Only an Owner changes an Owner: others see those rows without the forms.
		java.util.Set<String> ownerRoles = new java.util.HashSet<>();
		roles.stream().filter(r -> r.base() == Role.Base.OWNER).forEach(r -> ownerRoles.add(r.name()));
		model.addAttribute("locked", members.data().stream()
			.filter(m -> !caller.owner() && ownerRoles.contains(m.orgRole()))
			.map(m -> m.id().value())
			.collect(java.util.stream.Collectors.toSet()));
		model.addAttribute("keys", apiKeys.list(caller.workspaceId(), new PageRequest(100, null)).data());
		model.addAttribute("errors", errors);
		if (!model.containsAttribute("memberForm")) {
			model.addAttribute("memberForm", Map.of());
		}
		if (!model.containsAttribute("numberForm")) {
			model.addAttribute("numberForm", Map.of());
		}
	}
}
