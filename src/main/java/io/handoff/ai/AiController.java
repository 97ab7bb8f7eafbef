package io.handoff.ai;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.studio.Bot;
import io.handoff.studio.BotId;
import io.handoff.studio.BotService;
import io.handoff.studio.Step;

/** Try a message: what the bot's AI step would decide, without touching any chat. */
@RestController
class AiController {

	private final BotService bots;
	private final AiBotAction ai;
	private final TeamService team;

	AiController(BotService bots, AiBotAction ai, TeamService team) {
		this.bots = bots;
		this.ai = ai;
		this.team = team;
	}

	record Try(String text) {
	}

	/**
	 * @param handoffTo who the chat would go to: the strategy and the pool's members by name
	 */
	record Tried(String intent, double confidence, String provider, String providerError, String reason,
			String strategy, List<String> handoffTo, String reply) {
	}

	@PostMapping("/api/v1/bots/{id}/ai/try")
	Tried tryMessage(@AuthenticationPrincipal Caller caller, @PathVariable BotId id, @RequestBody Try request) {
		if (request == null || request.text() == null || request.text().isBlank()) {
			throw new HandoffException.InvalidInput("text", "must not be blank");
		}
		if (request.text().length() > 4096) {
			throw new HandoffException.InvalidInput("text", "must be at most 4096 characters");
		}
		Bot bot = bots.get(caller, id);
		Step step = bot.steps().stream().filter(s -> s.type().equals(AiBotAction.TYPE)).findFirst()
			.orElseThrow(() -> new HandoffException.RuleViolation("id", "the bot has no AI Bot step"));
		AiBotAction.Verdict verdict = ai.judge(caller.workspaceId(), step.config(), request.text().strip(), List.of());
		List<String> names = new ArrayList<>();
		verdict.target().path("pool").forEach(member -> names.add(team.member(caller.workspaceId(),
				new MemberId(member.asString()), "pool").name()));
		return new Tried(verdict.decision().intent(), Math.round(verdict.decision().confidence() * 1000) / 1000.0,
				verdict.decision().provider(), verdict.decision().providerError(), verdict.reason(),
				verdict.target().path("strategy").asString(), names, verdict.reply());
	}
}
