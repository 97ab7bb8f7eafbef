package io.handoff.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.ConnectionService;
import io.handoff.connectors.TemplateService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.PageRequest;
import io.handoff.studio.Bot;
import io.handoff.studio.BotId;
import io.handoff.studio.BotService;
import io.handoff.studio.CaptureService;
import io.handoff.studio.RunId;
import io.handoff.studio.RunService;
import io.handoff.studio.Step;
import io.handoff.studio.Variable;

/**
 * Bot Studio in the browser: bots and their trigger URL, Capture Response (a waiting state with a countdown that
 * long-polls until the request arrives), View Response Data as a tree and a field list where a click maps a field,
 * the flow's steps, templates, and the run log with Re-run.
 */
@Controller
class StudioController {

	private final BotService bots;
	private final CaptureService captures;
	private final RunService runs;
	private final TeamService team;
	private final ConnectionService connections;
	private final TemplateService templates;
	private final JsonMapper json;
	private final io.handoff.ai.AiService ai;

	StudioController(BotService bots, CaptureService captures, RunService runs, TeamService team,
			ConnectionService connections, TemplateService templates, JsonMapper json, io.handoff.ai.AiService ai) {
		this.ai = ai;
		this.bots = bots;
		this.captures = captures;
		this.runs = runs;
		this.team = team;
		this.connections = connections;
		this.templates = templates;
		this.json = json;
	}

	@GetMapping("/studio")
	String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String after, Model model) {
		model.addAttribute("bots", bots.list(caller, new PageRequest(25, after)));
		model.addAttribute("connections", connections.list(caller, new PageRequest(200, null)).data());
		return "studio/list";
	}

	@PostMapping("/studio/bots")
	String create(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String name,
			@RequestParam(defaultValue = "webhook") String trigger, Model model) {
		try {
			Bot bot = bots.create(caller, new BotService.Settings(name, null,
					Bot.TriggerType.valueOf(trigger.toUpperCase(Locale.ROOT)), null, null, null, null));
			return "redirect:/studio/bots/" + bot.id();
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			model.addAttribute("createError", e.getMessage());
			return list(caller, null, model);
		}
	}

	@PostMapping("/studio/templates/crm-owner-sync")
	String crmTemplate(@AuthenticationPrincipal Caller caller, @RequestParam String connectionId) {
		var created = templates.crmOwnerSync(caller, new TemplateService.Request(null, connectionId, null, null, null, null, null));
		return "redirect:/studio/bots/" + created.bot().id();
	}

	@GetMapping("/studio/bots/{id}")
	String bot(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, Model model) {
		fill(caller, id, model);
		return "studio/bot";
	}

	@PostMapping("/studio/bots/{id}/status")
	String status(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestParam String status,
			RedirectAttributes redirect) {
		bots.update(caller, id, new BotService.Settings(null, Bot.Status.valueOf(status.toUpperCase(Locale.ROOT)), null,
				null, null, null, null));
		redirect.addFlashAttribute("flash", "Status set to " + status);
		return "redirect:/studio/bots/" + id;
	}

	@PostMapping("/studio/bots/{id}/hook-url")
	String regenerate(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, RedirectAttributes redirect) {
		bots.regenerateUrl(caller, id);
		redirect.addFlashAttribute("flash", "New URL: the old one no longer works");
		return "redirect:/studio/bots/" + id;
	}

	@PostMapping("/studio/bots/{id}/capture")
	String startCapture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, Model model) {
		model.addAttribute("bot", bots.get(caller, id));
		model.addAttribute("capture", captures.start(caller, id));
		return "studio/bot :: capture";
	}

	/** One long poll: answers as soon as the request arrives, or after a while with the waiting state again. */
	@GetMapping("/studio/bots/{id}/capture")
	Object awaitCapture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestParam(required = false) java.time.Instant since, Model model) throws InterruptedException {
		CaptureService.Capture capture = captures.await(caller, id, Duration.ofSeconds(20));
		if (since != null && !since.equals(capture.startedAt())) {
			// A poll of a capture that was stopped and started again: the page has a newer one waiting.
			return org.springframework.http.ResponseEntity.noContent().build();
		}
		model.addAttribute("bot", bots.get(caller, id));
		model.addAttribute("capture", capture);
		if (capture.status() == CaptureService.Capture.Status.CAPTURED) {
			// The capture card says it caught one; View Response Data, further down, is replaced where it is.
			fill(caller, id, model);
			model.addAttribute("oob", true);
			return "studio/captured :: captured";
		}
		return "studio/bot :: capture";
	}

	@PostMapping("/studio/bots/{id}/capture/stop")
	String stopCapture(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, Model model) {
		model.addAttribute("capture", captures.stop(caller, id));
		model.addAttribute("bot", bots.get(caller, id));
		return "studio/bot :: capture";
	}

	/**
	 * Maps a field of the sample (clicked in the field list) to a variable. A name another field already uses is not
	 * silently moved: the row says so and offers to move it ({@code replace}).
	 */
	@PostMapping("/studio/bots/{id}/variables")
	String addVariable(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestParam String name,
			@RequestParam String path, @RequestParam(defaultValue = "text") String type,
			@RequestParam(required = false) List<String> transforms, @RequestParam(defaultValue = "false") boolean replace,
			Model model) {
		Bot bot = bots.get(caller, id);
		String wanted = name.strip();
		var clash = bot.variables().stream().filter(v -> v.name().equals(wanted) && !v.path().equals(path)).findFirst();
		if (clash.isPresent() && !replace) {
			model.addAttribute("rowError", java.util.Map.of("pointer", path, "message", "A variable named " + wanted
					+ " already takes " + clash.get().path() + ". Choose another name, or move it to this field."));
			model.addAttribute("rowName", wanted);
			fill(caller, id, model);
			return "studio/bot :: data";
		}
		List<BotService.VariableSettings> variables = new ArrayList<>();
		for (Variable v : bot.variables()) {
			if (!v.name().equals(wanted)) {
				variables.add(settings(v));
			}
		}
		try {
			variables.add(new BotService.VariableSettings(wanted, path, Variable.Type.valueOf(type.toUpperCase(Locale.ROOT)),
					false, null, transforms == null ? List.of()
							: transforms.stream().map(t -> Variable.Transform.valueOf(t.toUpperCase(Locale.ROOT))).toList()));
			bots.setVariables(caller, id, variables);
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			model.addAttribute("rowError", java.util.Map.of("pointer", path, "message", plain(e)));
			model.addAttribute("rowName", wanted);
		}
		fill(caller, id, model);
		return "studio/bot :: data";
	}

	/** Map recommended: the customer, the agent and the business number, under the names the steps expect. */
	@PostMapping("/studio/bots/{id}/variables/recommended")
	String mapRecommended(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, Model model) {
		Bot bot = bots.get(caller, id);
		CaptureService.SampleView sample = bot.sample() == null ? null : captures.sample(caller, id);
		List<BotService.VariableSettings> variables = new ArrayList<>(bot.variables().stream().map(StudioController::settings)
			.toList());
		java.util.Set<String> names = new java.util.HashSet<>(bot.variables().stream().map(Variable::name).toList());
		java.util.Set<String> paths = new java.util.HashSet<>(bot.variables().stream().map(Variable::path).toList());
		if (sample != null) {
			for (var field : sample.fields()) {
				String recommended = FieldSuggestions.RECOMMENDED.get(field.pointer());
				if (recommended != null && !names.contains(recommended) && !paths.contains(field.pointer())) {
					boolean number = recommended.equals("sequence");
					boolean phone = recommended.equals("customerNumber");
					variables.add(new BotService.VariableSettings(recommended, field.pointer(),
							number ? Variable.Type.NUMBER : Variable.Type.TEXT, false, null,
							phone ? List.of(Variable.Transform.E164) : List.of()));
				}
			}
			bots.setVariables(caller, id, variables);
		}
		fill(caller, id, model);
		return "studio/bot :: data";
	}

	private static BotService.VariableSettings settings(Variable v) {
		return new BotService.VariableSettings(v.name(), v.path(), v.type(), v.required(), v.defaultValue(),
				v.transforms());
	}

	/**
	 * An error for a person: the setting it is about in words ("Connection is required"), not the request path it
	 * came from ({@code steps[0].config.connectionId}).
	 */
	static String plain(HandoffException e) {
		if (e.field() == null) {
			return e.getMessage();
		}
		String last = e.field().substring(e.field().lastIndexOf('.') + 1).replaceAll("\\[\\d+]", "");
		String words = switch (last) {
			case "connectionId" -> "Connection";
			case "url" -> "URL";
			case "memberId" -> "Member";
			case "spreadsheetId" -> "Spreadsheet id";
			default -> {
				String spaced = last.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
				yield spaced.isEmpty() ? "The setting" : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
			}
		};
		return words + " " + e.getMessage();
	}

	@PostMapping("/studio/bots/{id}/variables/{name}/delete")
	String removeVariable(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable String name,
			Model model) {
		Bot bot = bots.get(caller, id);
		bots.setVariables(caller, id, bot.variables()
			.stream()
			.filter(v -> !v.name().equals(name))
			.map(StudioController::settings)
			.toList());
		fill(caller, id, model);
		return "studio/bot :: data";
	}

	/** Adds a step: Assign Agent from its own fields, other types from their settings as JSON. */
	@PostMapping("/studio/bots/{id}/steps")
	String addStep(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestParam String type,
			@RequestParam(required = false) String strategy, @RequestParam(required = false) List<String> pool,
			@RequestParam(defaultValue = "false") boolean onlineOnly, @RequestParam(required = false) String config,
			@RequestParam java.util.Map<String, String> form, RedirectAttributes redirect) {
		List<BotService.StepSettings> steps = new ArrayList<>(stepSettings(bots.get(caller, id)));
		ObjectNode settings;
		try {
			settings = stepConfig(type, strategy, pool, onlineOnly, config, form, null);
		}
		catch (IllegalArgumentException e) {
			redirect.addFlashAttribute("stepError", e.getMessage());
			return "redirect:/studio/bots/" + id;
		}
		// Named for what it does, so runs and their errors read "Step 2 (HTTP Request)" rather than the type.
		steps.add(new BotService.StepSettings(null, type, StepDescriptions.title(type, null), null, settings));
		return saveSteps(caller, id, steps, "Step added", redirect);
	}

	/** Try a message: the AI step's decision, shown inline; no chat is touched. */
	@PostMapping("/studio/bots/{id}/ai/try")
	String tryMessage(@AuthenticationPrincipal Caller caller, @PathVariable BotId id,
			@RequestParam(defaultValue = "") String text, Model model) {
		try {
			model.addAttribute("tried", ai.tryMessage(caller, id, text));
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			model.addAttribute("tryError", e.getMessage());
		}
		return "studio/bot :: tried";
	}

	@GetMapping("/studio/bots/{id}/runs")
	String runs(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestParam(required = false) String status,
			@RequestParam(required = false) String after, Model model) {
		model.addAttribute("bot", bots.get(caller, id));
		io.handoff.studio.Run.Status filter = status == null || status.isBlank() ? null
				: io.handoff.studio.Run.Status.valueOf(status.toUpperCase(Locale.ROOT));
		model.addAttribute("runs", runs.list(caller, id, filter, new PageRequest(25, after)));
		model.addAttribute("status", status == null ? "" : status);
		return "studio/runs";
	}

	@GetMapping("/studio/bots/{id}/runs/{runId}")
	String run(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable RunId runId, Model model) {
		model.addAttribute("bot", bots.get(caller, id));
		model.addAttribute("run", runs.get(caller, id, runId));
		return "studio/run";
	}

	@PostMapping("/studio/bots/{id}/sample")
	String useAsSample(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestParam String requestId,
			RedirectAttributes redirect) {
		captures.useAsSample(caller, id, requestId);
		redirect.addFlashAttribute("flash", "That request is now the sample: map its fields below");
		return "redirect:/studio/bots/" + id + "#data";
	}

	@PostMapping("/studio/bots/{id}/runs/{runId}/rerun")
	String rerun(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable RunId runId) {
		return "redirect:/studio/bots/" + id + "/runs/" + runs.rerun(caller, id, runId).id();
	}

	private void fill(Caller caller, BotId id, Model model) {
		Bot bot = bots.get(caller, id);
		model.addAttribute("bot", bot);
		try {
			model.addAttribute("capture", captures.await(caller, id, Duration.ZERO));
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
		CaptureService.SampleView sample = null;
		if (bot.sample() != null) {
			sample = captures.sample(caller, id);
		}
		model.addAttribute("sample", sample);
		if (sample != null) {
			model.addAttribute("fields", FieldSuggestions.ordered(sample.fields()));
			model.addAttribute("suggested", FieldSuggestions.names(sample.fields(), bot.variables()));
			model.addAttribute("recommended", FieldSuggestions.RECOMMENDED);
		}
		model.addAttribute("runs", runs.list(caller, id, null, new PageRequest(20, null)));
		var members = team.members(caller.workspaceId(), null, new PageRequest(200, null)).data();
		var connectionList = connections.list(caller, new PageRequest(200, null)).data();
		model.addAttribute("members", members);
		model.addAttribute("connections", connectionList);
		StepDescriptions describe = new StepDescriptions(members, connectionList);
		java.util.Map<String, String> titles = new java.util.HashMap<>();
		java.util.Map<String, String> summaries = new java.util.HashMap<>();
		java.util.Map<String, String> configs = new java.util.HashMap<>();
		for (Step step : bot.steps()) {
			titles.put(step.id(), StepDescriptions.title(step));
			summaries.put(step.id(), describe.summary(step));
			configs.put(step.id(), StepDescriptions.json(json, step));
		}
		model.addAttribute("stepTitles", titles);
		model.addAttribute("stepSummaries", summaries);
		model.addAttribute("stepJson", configs);
		java.util.Map<String, String> columns = new java.util.HashMap<>();
		java.util.Map<String, List<String>> stepMembers = new java.util.HashMap<>();
		for (Step step : bot.steps()) {
			List<String> values = new ArrayList<>();
			step.config().path("columns").forEach(c -> values.add(c.asString()));
			columns.put(step.id(), String.join(", ", values));
			List<String> chosen = new ArrayList<>();
			step.config().path("pool").forEach(m -> chosen.add(m.asString()));
			if (step.config().hasNonNull("memberId")) {
				chosen.add(step.config().get("memberId").asString());
			}
			stepMembers.put(step.id(), chosen);
		}
		model.addAttribute("stepColumns", columns);
		model.addAttribute("stepMembers", stepMembers);
	}

	@PostMapping("/studio/bots/{id}/delete")
	String deleteBot(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, RedirectAttributes redirect) {
		String name = bots.get(caller, id).name();
		bots.delete(caller, id);
		redirect.addFlashAttribute("flash", "Deleted the bot " + name + "; its URL no longer works");
		return "redirect:/studio";
	}

	@PostMapping("/studio/bots/{id}/steps/{stepId}/delete")
	String deleteStep(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable String stepId,
			RedirectAttributes redirect) {
		List<BotService.StepSettings> steps = new ArrayList<>(stepSettings(bots.get(caller, id)));
		steps.removeIf(s -> s.id().equals(stepId));
		return saveSteps(caller, id, steps, "Step deleted", redirect);
	}

	@PostMapping("/studio/bots/{id}/steps/{stepId}/move")
	String moveStep(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable String stepId,
			@RequestParam String direction, RedirectAttributes redirect) {
		List<BotService.StepSettings> steps = new ArrayList<>(stepSettings(bots.get(caller, id)));
		int at = java.util.stream.IntStream.range(0, steps.size()).filter(i -> steps.get(i).id().equals(stepId))
			.findFirst().orElseThrow(() -> new HandoffException.NotFound("stepId", "step", stepId));
		int to = direction.equals("up") ? at - 1 : at + 1;
		if (to >= 0 && to < steps.size()) {
			java.util.Collections.swap(steps, at, to);
		}
		return saveSteps(caller, id, steps, "Step moved", redirect);
	}

	@PostMapping("/studio/bots/{id}/steps/{stepId}")
	String editStep(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @PathVariable String stepId,
			@RequestParam(required = false) String strategy, @RequestParam(required = false) List<String> pool,
			@RequestParam(defaultValue = "false") boolean onlineOnly, @RequestParam(required = false) String config,
			@RequestParam java.util.Map<String, String> form, RedirectAttributes redirect) {
		Bot bot = bots.get(caller, id);
		Step step = bot.steps().stream().filter(s -> s.id().equals(stepId)).findFirst()
			.orElseThrow(() -> new HandoffException.NotFound("stepId", "step", stepId));
		ObjectNode settings;
		try {
			settings = stepConfig(step.type(), strategy, pool, onlineOnly, config, form, step.config());
		}
		catch (IllegalArgumentException e) {
			redirect.addFlashAttribute("stepError", e.getMessage());
			return "redirect:/studio/bots/" + id;
		}
		List<BotService.StepSettings> steps = stepSettings(bot).stream()
			.map(s -> s.id().equals(stepId) ? new BotService.StepSettings(s.id(), s.type(), s.name(), s.condition(), settings)
					: s)
			.toList();
		return saveSteps(caller, id, steps, "Step saved", redirect);
	}

	/**
	 * A step's settings from its form: Assign Agent's own fields, a type's {@code config.*} fields (over what the step
	 * had, so settings the form does not show are kept; an emptied field is removed), or all settings as JSON.
	 *
	 * @throws IllegalArgumentException when the JSON is not an object
	 */
	private ObjectNode stepConfig(String type, String strategy, List<String> pool, boolean onlineOnly, String config,
			java.util.Map<String, String> form, ObjectNode current) {
		if (type.equals("assign_agent")) {
			ObjectNode settings = json.createObjectNode();
			settings.put("strategy", strategy == null ? "round_robin" : strategy);
			if ("member".equals(strategy) && pool != null && !pool.isEmpty()) {
				settings.put("memberId", pool.getFirst());
			}
			else if (pool != null) {
				pool.forEach(settings.putArray("pool")::add);
			}
			settings.put("onlineOnly", onlineOnly);
			return settings;
		}
		if (config != null) {
			try {
				return (ObjectNode) json.readTree(config.isBlank() ? "{}" : config);
			}
			catch (RuntimeException e) {
				throw new IllegalArgumentException("The settings are not a JSON object (check the braces and quotes)");
			}
		}
		ObjectNode settings = current == null ? json.createObjectNode() : current.deepCopy();
		for (var field : form.entrySet()) {
			if (!field.getKey().startsWith("config.")) {
				continue;
			}
			String name = field.getKey().substring("config.".length());
			if (field.getValue().isBlank()) {
				settings.remove(name);
			}
			else if (name.equals("columns")) {
				var columns = settings.putArray("columns");
				for (String column : field.getValue().split("\\s*,\\s*")) {
					columns.add(column);
				}
			}
			else {
				settings.put(name, field.getValue().strip());
			}
		}
		return settings;
	}

	private static List<BotService.StepSettings> stepSettings(Bot bot) {
		return bot.steps().stream()
			.map(s -> new BotService.StepSettings(s.id(), s.type(), s.name(), s.condition(), s.config()))
			.toList();
	}

	private String saveSteps(Caller caller, BotId id, List<BotService.StepSettings> steps, String done,
			RedirectAttributes redirect) {
		try {
			bots.setSteps(caller, id, steps);
			redirect.addFlashAttribute("flash", done);
		}
		catch (HandoffException e) {
			if (e instanceof Caller.Forbidden) {
				throw e;
			}
			redirect.addFlashAttribute("stepError", e.getMessage());
		}
		return "redirect:/studio/bots/" + id;
	}
}
