package io.handoff.ai;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Service;

import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.studio.Bot;
import io.handoff.studio.BotId;
import io.handoff.studio.BotService;
import io.handoff.studio.Step;

/** Try a message: what a bot's AI step would decide and whom it would hand off to, without touching any chat. */
@Service
public class AiService {

	private final BotService bots;
	private final AiBotAction ai;
	private final TeamService team;

	AiService(BotService bots, AiBotAction ai, TeamService team) {
		this.bots = bots;
		this.ai = ai;
		this.team = team;
	}

	/**
	 * @param handoffTo who the chat would go to: the pool's members by name, under {@code strategy}
	 */
	public record Tried(String intent, double confidence, String provider, String providerError, String reason,
			String strategy, List<String> handoffTo, String reply, String method, List<Candidate> top) {
	}

	/** One of the most likely intents, with the example phrase nearest to the message. */
	public record Candidate(String intent, double confidence, String nearestExample, Double similarity) {
	}

	public Tried tryMessage(Caller caller, BotId id, String text) {
		if (text == null || text.isBlank()) {
			throw new HandoffException.InvalidInput("text", "must not be blank");
		}
		if (text.length() > 4096) {
			throw new HandoffException.InvalidInput("text", "must be at most 4096 characters");
		}
		Bot bot = bots.get(caller, id);
		Step step = bot.steps().stream().filter(s -> s.type().equals(AiBotAction.TYPE)).findFirst()
			.orElseThrow(() -> new HandoffException.RuleViolation("id", "the bot has no AI Bot step"));
		AiBotAction.Verdict verdict = ai.judge(caller.workspaceId(), step.config(), text.strip(), List.of());
		List<String> names = new ArrayList<>();
		verdict.target().path("pool").forEach(member -> names.add(team.member(caller.workspaceId(),
				new MemberId(member.asString()), "pool").name()));
		List<Candidate> top = verdict.decision().confidences().entrySet().stream()
			.sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
			.limit(3)
			.map(e -> {
				var nearest = verdict.decision().nearest().get(e.getKey());
				return new Candidate(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0,
						nearest == null ? null : nearest.phrase(), nearest == null ? null : nearest.similarity());
			})
			.toList();
		return new Tried(verdict.decision().intent(), Math.round(verdict.decision().confidence() * 1000) / 1000.0,
				verdict.decision().provider(), verdict.decision().providerError(), verdict.reason(),
				verdict.target().path("strategy").asString(), names, verdict.reply(), verdict.decision().method(), top);
	}
}
