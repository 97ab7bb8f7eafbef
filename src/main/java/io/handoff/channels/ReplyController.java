package io.handoff.channels;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import io.handoff.inbox.ChatId;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.MessageService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

/** A chat's messages, and replies to the customer over WhatsApp. */
@RestController
@RequestMapping("/api/v1")
class ReplyController {

	private final Replies replies;
	private final MessageService messages;
	private final ChatService chats;
	private final HandoffProperties properties;

	ReplyController(Replies replies, MessageService messages, ChatService chats, HandoffProperties properties) {
		this.replies = replies;
		this.messages = messages;
		this.chats = chats;
		this.properties = properties;
	}

	/** A template by name and language, with a value for each parameter ({@code "1"}, {@code "2"}, … or names). */
	record TemplateRequest(String name, String language, Map<String, String> parameters) {
	}

	/** Text (inside the 24-hour window) or a template. */
	record ReplyRequest(String text, TemplateRequest template) {
	}

	@GetMapping("/chats/{id}/messages")
	@Operation(summary = "List a chat's messages, newest first, with the delivery status of those sent")
	Page<MessageService.Message> list(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		chats.get(caller, id, "id");
		return messages.list(caller.workspaceId(), id, PageRequest.of(limit, after, properties.api()));
	}

	@PostMapping("/chats/{id}/messages")
	@Operation(summary = "Reply to the customer over WhatsApp",
			description = "Text inside the 24-hour customer-service window, an approved template at any time. The "
					+ "message is queued (201) and sent in the background; its status moves to sent, delivered, read "
					+ "or failed. Repeating a request with the same Idempotency-Key answers the first message (200).")
	@ApiResponse(responseCode = "201", description = "Queued for sending")
	@ApiResponse(responseCode = "200", description = "Queued by an earlier request with the same Idempotency-Key")
	ResponseEntity<MessageService.Message> reply(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id,
			@Parameter(description = "Any unique string per message, so that a retried request sends it once")
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@RequestBody ReplyRequest request) throws InterruptedException {
		Replies.TemplateChoice template = request.template() == null ? null : new Replies.TemplateChoice(
				request.template().name(), request.template().language(), request.template().parameters());
		MessageService.Queued queued = replies.send(caller, id, new Replies.Draft(request.text(), template, idempotencyKey));
		return ResponseEntity.status(queued.created() ? HttpStatus.CREATED : HttpStatus.OK).body(queued.message());
	}

	@GetMapping("/chats/{id}/composer")
	@Operation(summary = "What may be sent in a chat now: whether the 24-hour window is open, and the templates")
	Replies.Composer composer(@AuthenticationPrincipal Caller caller, @PathVariable ChatId id) throws InterruptedException {
		return replies.composer(caller, id);
	}
}
