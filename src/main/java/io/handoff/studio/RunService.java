package io.handoff.studio;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.Timestamps;

/** The run log of bots: list, read, and run again with the same input. */
@Service
public class RunService {

	private final BotService bots;
	private final Runs runs;
	private final JsonMapper json;
	private final Clock clock;

	RunService(BotService bots, Runs runs, JsonMapper json, Clock clock) {
		this.bots = bots;
		this.runs = runs;
		this.json = json;
		this.clock = clock;
	}

	public Page<Run> list(Caller caller, BotId bot, Run.Status status, PageRequest page) {
		bots.get(caller, bot);
		return Page.of(runs.list(caller.workspaceId(), bot, status, page).stream().map(this::view).toList(),
				page.limit(), r -> r.id().value());
	}

	public Run get(Caller caller, BotId bot, RunId id) {
		bots.get(caller, bot);
		return view(stored(caller, bot, id));
	}

	/** Queues a new run of the bot's current flow with the input of {@code id}; the new run is logged on its own. */
	@Transactional
	public Run rerun(Caller caller, BotId bot, RunId id) {
		bots.get(caller, bot);
		Runs.Stored original = stored(caller, bot, id);
		RunId again = RunId.next();
		runs.insert(again, caller.workspaceId(), bot, "rerun", original.requestId(), original.id(), original.chatId(),
				original.input(), Timestamps.now(clock));
		runs.notifyRunners();
		return view(runs.find(caller.workspaceId(), again).orElseThrow());
	}

	private Runs.Stored stored(Caller caller, BotId bot, RunId id) {
		return runs.find(caller.workspaceId(), id)
			.filter(r -> r.botId().equals(bot))
			.orElseThrow(() -> new HandoffException.NotFound("runId", "run", id.value()));
	}

	Run view(Runs.Stored r) {
		Map<String, JsonNode> variables = null;
		List<Mapping.Problem> problems = List.of();
		if (r.variables() != null) {
			JsonNode document = json.readTree(r.variables());
			variables = json.convertValue(document.get("values"), new TypeReference<LinkedHashMap<String, JsonNode>>() {
			});
			problems = json.convertValue(document.get("problems"), new TypeReference<List<Mapping.Problem>>() {
			});
		}
		return new Run(r.id(), r.botId(), r.trigger(), r.status(), r.requestId(),
				r.rerunOf() == null ? null : new RunId(r.rerunOf()), r.chatId(), json.readTree(r.input()), variables,
				problems, json.readValue(r.steps(), new TypeReference<List<Run.StepLog>>() {
				}), r.error(), r.tries(), r.waits(), r.status() == Run.Status.WAITING ? r.nextTryAt() : null,
				r.createdAt(), r.startedAt(), r.finishedAt());
	}
}
