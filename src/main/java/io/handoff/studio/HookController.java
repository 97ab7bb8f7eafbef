package io.handoff.studio;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bots' own URLs, open to the internet: anyone holding the URL may call it, as with Zapier's Catch Hook. POST, PUT
 * and GET with any body up to the size limit; the answer comes as soon as the request is stored, before the run.
 */
@RestController
class HookController {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HookController.class);

	private final HookService hooks;

	HookController(HookService hooks) {
		this.hooks = hooks;
	}

	/** The acknowledgement a sender gets. */
	record Accepted(String requestId, boolean captured, RunId runId) {
	}

	@RequestMapping(path = "/hooks/{token}", method = { RequestMethod.POST, RequestMethod.PUT, RequestMethod.GET })
	@SecurityRequirements
	@Operation(summary = "A bot's On Webhook URL", description = "Any body; the token in the URL is the credential. "
			+ "HEAD answers 200 and starts nothing.")
	@ApiResponse(responseCode = "202", description = "Stored, and a run started unless a capture took it")
	ResponseEntity<Accepted> receive(@PathVariable String token, HttpServletRequest request) {
		if ("HEAD".equals(request.getMethod())) {
			// Link checkers and monitors probe URLs with HEAD: answer, but store and run nothing.
			return ResponseEntity.ok().build();
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			headers.put(name.toLowerCase(Locale.ROOT), Collections.list(request.getHeaders(name)));
		}
		byte[] body;
		try {
			body = request.getInputStream().readAllBytes();
		}
		catch (IOException aborted) {
			// The sender went away mid-upload: nothing to answer, and nothing worth more than a line at DEBUG.
			log.debug("A request to a hook ended before its body was read");
			return ResponseEntity.badRequest().build();
		}
		HookService.Received received = hooks.receive(token, new HookService.Incoming(request.getMethod(), headers,
				request.getQueryString(), request.getContentType(), body, request.getRemoteAddr()));
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(new Accepted(received.requestId(), received.captured(), received.runId()));
	}
}
