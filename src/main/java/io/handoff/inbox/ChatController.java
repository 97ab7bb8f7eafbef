package io.handoff.inbox;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.WorkspaceId;

@RestController
@RequestMapping("/api/v1")
class ChatController {

	private final ChatService chats;
	private final TeamService team;
	private final HandoffProperties properties;

	ChatController(ChatService chats, TeamService team, HandoffProperties properties) {
		this.chats = chats;
		this.team = team;
		this.properties = properties;
	}

	record OpenChat(@NotNull BusinessNumberId businessNumberId, @NotNull CustomerId customerId) {
	}

	record UpdateChat(@NotNull Chat.Status status) {
	}

	/** The member to assign, by id or by email (CRMs and automation tools usually know the email). */
	record AssignChat(MemberId memberId, @Email String memberEmail) {
	}

	record AssignByPhone(@NotBlank String customerPhone, @NotBlank String businessNumber, MemberId memberId,
			@Email String memberEmail) {
	}

	@PostMapping("/chats")
	@ResponseStatus(HttpStatus.CREATED)
	Chat open(@AuthenticationPrincipal Caller caller, @Valid @RequestBody OpenChat request) {
		return chats.open(caller.workspaceId(), request.businessNumberId(), request.customerId());
	}

	@GetMapping("/chats")
	Page<Chat> list(@AuthenticationPrincipal Caller caller,
			@RequestParam(required = false) BusinessNumberId businessNumberId,
			@RequestParam(required = false) CustomerId customerId,
			@RequestParam(required = false) Chat.Status status,
			@RequestParam(required = false) MemberId assigneeId,
			@RequestParam(defaultValue = "false") boolean unassigned,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		return chats.list(caller,
				new ChatFilter(businessNumberId, customerId, status, assigneeId, unassigned),
				PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/chats/{id}")
	Chat get(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id) {
		return chats.get(caller, id, "id");
	}

	@PatchMapping("/chats/{id}")
	Chat update(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@Valid @RequestBody UpdateChat request) {
		return chats.changeStatus(caller, id, request.status());
	}

	@DeleteMapping("/chats/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id) {
		chats.delete(caller, id);
	}

	/** Assigns or reassigns; answers {@code changed: false} when the member already holds the chat. */
	@PostMapping("/chats/{id}/assignment")
	ChatService.Assignment assign(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@Valid @RequestBody AssignChat request) {
		MemberId member = member(caller.workspaceId(), request.memberId(), request.memberEmail());
		return chats.assign(caller, id, member);
	}

	@DeleteMapping("/chats/{id}/assignment")
	ChatService.Assignment unassign(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id) {
		return chats.unassign(caller, id);
	}

	@GetMapping("/chats/{id}/assignments")
	Page<AssignmentChange> history(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		return chats.history(caller, id, PageRequest.of(limit, after, properties.api()));
	}

	/**
	 * Assigns the open chat of a customer on a business number, found by phone numbers as CRMs know them; opens a
	 * chat if the customer has none there.
	 */
	@PostMapping("/assignments")
	ChatService.Assignment assignByPhone(@AuthenticationPrincipal Caller caller,
			@Valid @RequestBody AssignByPhone request) {
		MemberId member = member(caller.workspaceId(), request.memberId(), request.memberEmail());
		return chats.assignByPhone(caller, request.customerPhone(), request.businessNumber(), member);
	}

	private MemberId member(WorkspaceId workspace, MemberId id, String email) {
		if ((id == null) == (email == null)) {
			throw new HandoffException.InvalidInput("memberId", "give exactly one of memberId and memberEmail");
		}
		return id != null ? id : team.memberIdByEmail(workspace, email, "memberEmail");
	}
}
