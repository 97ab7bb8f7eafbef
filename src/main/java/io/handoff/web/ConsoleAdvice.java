package io.handoff.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.DatabaseAway;
import io.handoff.platform.HandoffException;

/** What every console page knows (who is signed in), and errors shown as pages rather than JSON. */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

	private final TeamService team;

	ConsoleAdvice(TeamService team) {
		this.team = team;
	}

	@ModelAttribute("me")
	Caller me(@AuthenticationPrincipal Caller caller) {
		return caller;
	}

	/** The signed-in member's availability, which the header shows and sets on every page. */
	@ModelAttribute("myAvailability")
	String myAvailability(@AuthenticationPrincipal Caller caller) {
		if (caller == null || caller.kind() != Caller.Kind.MEMBER) {
			return null;
		}
		return team.member(caller.workspaceId(), new MemberId(caller.id()), "id").availability().name()
			.toLowerCase(java.util.Locale.ROOT);
	}

	@ExceptionHandler(HandoffException.class)
	ModelAndView failed(HandoffException e, @AuthenticationPrincipal Caller caller) {
		ModelAndView page = new ModelAndView("error/problem");
		page.setStatus(e.status());
		page.addObject("status", e.status().value());
		page.addObject("title", e.status() == HttpStatus.FORBIDDEN ? "Not allowed" : e.status().getReasonPhrase());
		page.addObject("message", e.getMessage());
		page.addObject("me", caller);
		return page;
	}

	/** The database is away: a page that says so and asks to try again, not a server error. */
	@ExceptionHandler({ DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
			TransientDataAccessResourceException.class })
	ModelAndView databaseAway(@AuthenticationPrincipal Caller caller) {
		ModelAndView page = new ModelAndView("error/problem");
		page.setStatus(HttpStatus.SERVICE_UNAVAILABLE);
		page.addObject("status", 503);
		page.addObject("title", "Try again in a moment");
		page.addObject("message", DatabaseAway.MESSAGE);
		page.addObject("me", caller);
		return page;
	}

	static void flash(Model model, String message) {
		model.addAttribute("flash", message);
	}
}
