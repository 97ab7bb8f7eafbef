package io.handoff.ai;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.studio.BotId;

/** Try a message over the API. */
@RestController
class AiController {

	private final AiService ai;

	AiController(AiService ai) {
		this.ai = ai;
	}

	record Try(String text) {
	}

	@PostMapping("/api/v1/bots/{id}/ai/try")
	AiService.Tried tryMessage(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestBody Try request) {
		return ai.tryMessage(caller, id, request == null ? null : request.text());
	}
}
