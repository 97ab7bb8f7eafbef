package io.handoff.studio;

import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

/** Bot Studio over the API: bots, Capture Response, View Response Data, mapping, flows and runs. */
@RestController
@RequestMapping("/api/v1/bots")
class BotController {

	private final BotService bots;
	private final CaptureService captures;
	private final RunService runs;
	private final HandoffProperties properties;

	BotController(BotService bots, CaptureService captures, RunService runs, HandoffProperties properties) {
		this.bots = bots;
		this.captures = captures;
		this.runs = runs;
		this.properties = properties;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Bot create(@AuthenticationPrincipal Caller caller, @RequestBody BotService.Settings settings) {
		return bots.create(caller, settings);
	}

	@GetMapping
	Page<Bot> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		return bots.list(caller, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}")
	Bot get(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		return bots.get(caller, id);
	}

	@PatchMapping("/{id}")
	Bot update(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestBody BotService.Settings settings) {
		return bots.update(caller, id, settings);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		bots.delete(caller, id);
	}

	/** A new hook URL; the old one stops working at once. */
	@PostMapping("/{id}/hook-url")
	Bot regenerateUrl(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		return bots.regenerateUrl(caller, id);
	}

	@PutMapping("/{id}/variables")
	Bot setVariables(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestBody List<BotService.VariableSettings> variables) {
		return bots.setVariables(caller, id, variables);
	}

	@PutMapping("/{id}/steps")
	Bot setSteps(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestBody List<BotService.StepSettings> steps) {
		return bots.setSteps(caller, id, steps);
	}

	/** Capture Response: the bot's next request within the window becomes its sample. */
	@PostMapping("/{id}/capture")
	CaptureService.Capture startCapture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		return captures.start(caller, id);
	}

	/**
	 * Where the capture stands; with {@code wait} (seconds, at most 60) the answer comes as soon as the request
	 * arrives, or when the wait is over.
	 */
	@GetMapping("/{id}/capture")
	CaptureService.Capture capture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestParam(defaultValue = "0") int wait) throws InterruptedException {
		return captures.await(caller, id, Duration.ofSeconds(Math.max(0, wait)));
	}

	@DeleteMapping("/{id}/capture")
	CaptureService.Capture stopCapture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		return captures.stop(caller, id);
	}

	/** View Response Data. */
	@GetMapping("/{id}/sample")
	CaptureService.SampleView sample(@AuthenticationPrincipal Caller caller, @PathVariable BotId id) {
		return captures.sample(caller, id);
	}

	/** A past request to the bot (a run's {@code requestId}) as the sample: {@code {"requestId": "req_…"}}. */
	record UseAsSample(String requestId) {
	}

	@PutMapping("/{id}/sample")
	CaptureService.SampleView useAsSample(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestBody UseAsSample body) {
		return captures.useAsSample(caller, id, body == null ? null : body.requestId());
	}

	@GetMapping("/{id}/runs")
	Page<Run> runs(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestParam(required = false) Run.Status status, @RequestParam(required = false) Integer limit,
			@RequestParam(required = false) String after) {
		return runs.list(caller, id, status, PageRequest.of(limit, after, properties.api()));
	}

	@GetMapping("/{id}/runs/{runId}")
	Run run(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable RunId runId) {
		return runs.get(caller, id, runId);
	}

	@PostMapping("/{id}/runs/{runId}/rerun")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Run rerun(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable RunId runId) {
		return runs.rerun(caller, id, runId);
	}
}
