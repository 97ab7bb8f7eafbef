package io.handoff.web;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import io.handoff.inbox.FirstRun;
import io.handoff.inbox.SetupService;
import io.handoff.platform.ConsoleSessions;
import io.handoff.platform.HandoffException;
import io.handoff.platform.MemberDirectory;

/**
 * First run in the browser: on an empty database, the setup page creates the workspace, its first number and its
 * Owner, then signs the Owner in. It asks for the one-time token Handoff printed at start; once a workspace exists it
 * only points to sign-in.
 */
@Controller
class SetupController {

	/** The service names fields as the team API does; the form names them for what they are here. */
	private static final Map<String, String> FIELDS = Map.of("name", "ownerName", "email", "ownerEmail", "number",
			"number", "displayName", "numberName");

	private final SetupService setup;
	private final FirstRun firstRun;
	private final MemberDirectory members;

	SetupController(SetupService setup, FirstRun firstRun, MemberDirectory members) {
		this.setup = setup;
		this.firstRun = firstRun;
		this.members = members;
	}

	/** What the form holds, to show it again with errors; never the password. */
	record Form(String token, String workspaceName, String ownerName, String ownerEmail, String number,
			String numberName) {
	}

	@GetMapping("/setup")
	String page(@RequestParam(defaultValue = "") String token, Model model) {
		if (!setup.needed()) {
			return "redirect:/login?setUp";
		}
		model.addAttribute("form", new Form(token, "", "", "", "", ""));
		model.addAttribute("errors", Map.of());
		return "setup";
	}

	@PostMapping("/setup")
	String submit(@RequestParam(defaultValue = "") String token, @RequestParam(defaultValue = "") String workspaceName,
			@RequestParam(defaultValue = "") String ownerName, @RequestParam(defaultValue = "") String ownerEmail,
			@RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "") String number,
			@RequestParam(defaultValue = "") String numberName, Model model, HttpServletRequest request,
			HttpServletResponse response) {
		if (!setup.needed()) {
			return "redirect:/login?setUp";
		}
		Form form = new Form(token, workspaceName, ownerName, ownerEmail, number, numberName);
		if (!firstRun.tokenMatches(token)) {
			return again(model, form, "token",
					"is not the setup token Handoff printed at start (look for the line 'No workspace yet' in its log)");
		}
		try {
			SetupService.Done done = setup.setUp(
					new SetupService.Details(workspaceName, ownerName, ownerEmail, password, number, numberName));
			firstRun.spent();
			ConsoleSessions.signIn(members.asCaller(done.workspace(), done.owner().value()).orElseThrow(), request,
					response);
			return "redirect:/inbox";
		}
		catch (SetupService.AlreadyDone e) {
			return "redirect:/login?setUp";
		}
		catch (HandoffException e) {
			String field = e.field() == null ? "form" : FIELDS.getOrDefault(e.field(), e.field());
			return again(model, form, field, e.getMessage());
		}
	}

	private static String again(Model model, Form form, String field, String message) {
		model.addAttribute("form", form);
		model.addAttribute("errors", Map.of(field, message));
		return "setup";
	}
}
