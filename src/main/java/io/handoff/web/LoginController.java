package io.handoff.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import io.handoff.inbox.SetupService;
import io.handoff.platform.Caller;

@Controller
class LoginController {

	private final SetupService setup;

	LoginController(SetupService setup) {
		this.setup = setup;
	}

	/** A fresh install has nobody to sign in yet: it goes to setup. */
	@GetMapping("/login")
	String login(@AuthenticationPrincipal Caller caller) {
		if (caller != null) {
			return "redirect:/inbox";
		}
		return setup.needed() ? "redirect:/setup" : "login";
	}

	@GetMapping("/")
	String home() {
		return "redirect:/inbox";
	}
}
