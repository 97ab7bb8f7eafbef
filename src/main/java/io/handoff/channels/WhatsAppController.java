package io.handoff.channels;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.WorkspaceId;

/** The WhatsApp Cloud API callback URL of each workspace, and its settings over the API. */
@RestController
class WhatsAppController {

	private final WhatsAppService whatsapp;

	WhatsAppController(WhatsAppService whatsapp) {
		this.whatsapp = whatsapp;
	}

	/** Meta's verification request: answers {@code hub.challenge} as plain text. */
	@GetMapping(path = "/channels/whatsapp/{workspaceId}", produces = MediaType.TEXT_PLAIN_VALUE)
	@SecurityRequirements
	String verify(@PathVariable String workspaceId, @RequestParam(name = "hub.mode", required = false) String mode,
			@RequestParam(name = "hub.verify_token", required = false) String token,
			@RequestParam(name = "hub.challenge", required = false) String challenge) {
		return whatsapp.verify(new WorkspaceId(workspaceId), mode, token, challenge);
	}

	@PostMapping("/channels/whatsapp/{workspaceId}")
	@SecurityRequirements
	@Operation(summary = "Meta's webhook for the workspace's WhatsApp numbers",
			description = "Authenticated by X-Hub-Signature-256 over the body, made with the app secret.")
	WhatsAppService.Result receive(@PathVariable String workspaceId,
			@RequestHeader(name = "X-Hub-Signature-256", required = false) String signature, HttpServletRequest request)
			throws IOException {
		return whatsapp.receive(new WorkspaceId(workspaceId), request.getInputStream().readAllBytes(), signature);
	}

	record Settings(String appSecret, String verifyToken) {
	}

	@GetMapping("/api/v1/channels/whatsapp")
	WhatsAppService.Channel channel(@AuthenticationPrincipal Caller caller) {
		return whatsapp.channel(caller);
	}

	@PutMapping("/api/v1/channels/whatsapp")
	WhatsAppService.Channel configure(@AuthenticationPrincipal Caller caller, @RequestBody Settings settings) {
		return whatsapp.configure(caller, settings.appSecret(), settings.verifyToken());
	}
}
