package io.handoff.web;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

import io.handoff.platform.Caller;

@Controller
class LoginController {

	@GetMapping("/login")
	String login(@AuthenticationPrincipal Caller caller) {
		return caller != null ? "redirect:/inbox" : "login";
	}

	@GetMapping("/")
	String home() {
		return "redirect:/inbox";
	}
}
