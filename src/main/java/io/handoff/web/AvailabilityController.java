package io.handoff.web;

import java.util.Locale;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.handoff.inbox.Member;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;

/**
 * The header's availability: a member says they are online, busy or offline. Assign Agent and the AI bot's "online
 * members only" pools go by it.
 */
@Controller
class AvailabilityController {

	private final TeamService team;

	AvailabilityController(TeamService team) {
		this.team = team;
	}

	@PostMapping("/me/availability")
	String set(@AuthenticationPrincipal Caller caller, @RequestParam String availability,
			@RequestHeader(name = "Referer", required = false) String referer, RedirectAttributes redirect) {
		Member.Availability value = Member.Availability.parse(availability, "availability");
		team.setAvailability(caller, new MemberId(caller.id()), value);
		redirect.addFlashAttribute("flash", "You are " + value.name().toLowerCase(Locale.ROOT));
		return "redirect:" + backTo(referer);
	}

	/** Back to the page the form was on, if it was one of ours; otherwise the inbox. */
	private static String backTo(String referer) {
		if (referer == null) {
			return "/inbox";
		}
		String path = referer.replaceFirst("^https?://[^/]+", "");
		return path.startsWith("/") && !path.startsWith("//") && !path.contains("\r") && !path.contains("\n") ? path
				: "/inbox";
	}
}
