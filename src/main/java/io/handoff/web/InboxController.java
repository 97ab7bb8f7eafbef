package io.handoff.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.handoff.channels.Replies;
import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.BusinessNumberId;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatFilter;
import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.InboxEntry;
import io.handoff.inbox.Member;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

/**
 * The inbox: chats by tab (Mine, Unassigned, All), number, status and search, most recent activity first; a chat with
 * its messages and history; assign, reassign, unassign, resolve, reopen.
 */
@Controller
class InboxController {

	static final int PAGE = 25;

	private final ChatService chats;
	private final CustomerService customers;
	private final TeamService team;
	private final MessageService messages;
	private final Replies replies;

	InboxController(ChatService chats, CustomerService customers, TeamService team, MessageService messages,
			Replies replies) {
		this.replies = replies;
		this.chats = chats;
		this.customers = customers;
		this.team = team;
		this.messages = messages;
	}

	/** A chat as a row of the inbox shows it. */
	record Row(InboxEntry entry, String number, String assignee) {
	}

	/**
	 * Tabs Mine, Unassigned and All (an assigned-only member has Mine alone), a number, a status and a search by
	 * customer name or phone; most recent activity first, each row with its last message.
	 */
	@GetMapping("/inbox")
	String inbox(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String number,
			@RequestParam(required = false) String assignee, @RequestParam(defaultValue = "open") String status,
			@RequestParam(required = false) String q, @RequestParam(required = false) String after, Model model) {
		List<BusinessNumber> numbers = team.numbers(caller.workspaceId(), new PageRequest(200, null)).data();
		List<Member> members = team.members(caller.workspaceId(), null, new PageRequest(200, null)).data();
		MemberId assigneeId = null;
		boolean unassigned = false;
		String tab = "all";
		if (caller.assignedOnly() || ("me".equals(assignee) && caller.kind() == Caller.Kind.MEMBER)) {
			assigneeId = new MemberId(caller.id());
			tab = "mine";
		}
		else if ("unassigned".equals(assignee)) {
			unassigned = true;
			tab = "unassigned";
		}
		else if (assignee != null && !assignee.isBlank() && !"me".equals(assignee)) {
			assigneeId = new MemberId(assignee);
		}
		Chat.Status chatStatus = "closed".equals(status) ? Chat.Status.CLOSED : "all".equals(status) ? null : Chat.Status.OPEN;
		Page<InboxEntry> page = chats.inbox(caller, new ChatFilter(
				number == null || number.isBlank() ? null : new BusinessNumberId(number), null, chatStatus, assigneeId,
				unassigned), q, after, PAGE);
		Map<String, String> numberNames = new HashMap<>();
		numbers.forEach(n -> numberNames.put(n.id().value(), n.displayName() + " (" + n.number() + ")"));
		Map<String, String> memberNames = new HashMap<>();
		members.forEach(m -> memberNames.put(m.id().value(), m.name()));
		model.addAttribute("rows", page.data().stream().map(e -> new Row(e,
				numberNames.get(e.chat().businessNumberId().value()), e.chat().assigneeId() == null ? null
						: memberNames.getOrDefault(e.chat().assigneeId().value(), "(removed)"))).toList());
		model.addAttribute("page", page);
		model.addAttribute("numbers", numbers);
		model.addAttribute("members", members);
		model.addAttribute("number", number);
		model.addAttribute("assignee", assignee);
		model.addAttribute("status", status);
		model.addAttribute("q", q);
		model.addAttribute("tab", tab);
		return "inbox/list";
	}

	/** Resolve (close) or reopen the chat. */
	@PostMapping("/inbox/chats/{id}/status")
	String status(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id, @RequestParam String status,
			RedirectAttributes redirect) {
		try {
			chats.changeStatus(caller, id, "open".equals(status) ? Chat.Status.OPEN : Chat.Status.CLOSED);
			redirect.addFlashAttribute("flash", "open".equals(status) ? "Chat reopened" : "Chat resolved");
		}
		catch (HandoffException.Conflict | HandoffException.RuleViolation e) {
			redirect.addFlashAttribute("flashError", e.getMessage());
		}
		return "redirect:/inbox/chats/" + id;
	}

	@GetMapping("/inbox/chats/{id}")
	String chat(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id, Model model) throws InterruptedException {
		chats.markRead(caller, id);
		return page(caller, id, model);
	}

	/** The chat page: the chat as the caller may see it, its messages and history, and the composer. */
	private String page(Caller caller, ChatId id, Model model) throws InterruptedException {
		Chat chat = visible(caller, id);
		fill(caller, chat, model);
		model.addAttribute("composer", replies.composer(caller, chat.id()));
		model.addAttribute("replyKey", java.util.UUID.randomUUID().toString());
		return "inbox/chat";
	}

	/**
	 * The composer's submit: text, or a template ({@code template} is {@code name|language}, parameters
	 * {@code p.1}, {@code p.2} or {@code p.name}). The form's {@code key}, made when the page was drawn, makes a
	 * repeated submit (a double click, a resent form) send one message.
	 */
	@PostMapping("/inbox/chats/{id}/messages")
	String reply(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id, @RequestParam Map<String, String> form,
			Model model, RedirectAttributes redirect) throws InterruptedException {
		Replies.TemplateChoice template = null;
		String chosen = form.get("template");
		if (chosen != null && chosen.contains("|")) {
			Map<String, String> parameters = new java.util.LinkedHashMap<>();
			form.forEach((name, value) -> {
				if (name.startsWith("p.")) {
					parameters.put(name.substring(2), value);
				}
			});
			template = new Replies.TemplateChoice(chosen.substring(0, chosen.indexOf('|')),
					chosen.substring(chosen.indexOf('|') + 1), parameters);
		}
		try {
			replies.send(caller, id, new Replies.Draft(template == null ? form.get("text") : null, template, form.get("key")));
			chats.markRead(caller, id);
			return "redirect:/inbox/chats/" + id + "#composer";
		}
		catch (HandoffException.InvalidInput | HandoffException.RuleViolation e) {
			model.addAttribute("replyError", e.getMessage());
			model.addAttribute("draft", form.get("text"));
			model.addAttribute("draftTemplate", chosen);
			return page(caller, id, model);
		}
	}

	/** Assigns (or, with no member, unassigns) and answers the refreshed assignment panel to htmx, or the page. */
	@PostMapping("/inbox/chats/{id}/assignment")
	String assign(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@RequestParam(required = false) String memberId,
			@RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
		visible(caller, id);
		if (memberId == null || memberId.isBlank()) {
			chats.unassign(caller, id);
		}
		else {
			chats.assign(caller, id, new MemberId(memberId));
		}
		fill(caller, chats.get(caller.workspaceId(), id, "id"), model);
		model.addAttribute("flash", "Saved");
		return htmx != null ? "inbox/chat :: assignment" : "redirect:/inbox/chats/" + id;
	}

	private Chat visible(Caller caller, ChatId id) {
		return chats.get(caller, id, "id");
	}

	private void fill(Caller caller, Chat chat, Model model) {
		model.addAttribute("chat", chat);
		model.addAttribute("customer", customers.get(caller.workspaceId(), chat.customerId(), "id"));
		model.addAttribute("number", team.number(caller.workspaceId(), chat.businessNumberId(), "id"));
		model.addAttribute("candidates",
				team.members(caller.workspaceId(), chat.businessNumberId(), new PageRequest(200, null)).data());
		model.addAttribute("assignee", chat.assigneeId() == null ? null : team.member(caller.workspaceId(), chat.assigneeId(), "id"));
		model.addAttribute("messages", messages.latest(caller.workspaceId(), chat.id(), 50));
		model.addAttribute("history", chats.history(caller, chat.id(), new PageRequest(50, null)).data());
	}
}
