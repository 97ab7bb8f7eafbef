package io.handoff.studio;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.WorkspaceId;

/**
 * Hands a chat to a member: a given one, the next of a pool in turn (round robin), or the pool's member with the
 * fewest open chats (least busy, ties in turn). Only members with a role on the chat's number (and online, if asked)
 * are chosen. The rotation is a row per bot and rotation key, locked until the caller's transaction ends, so turns
 * are fair across concurrent runs, restarts and nodes. Used by Assign Agent and by the AI bot.
 */
@Component
public class Handoffs {

	public enum Strategy {
		MEMBER, ROUND_ROBIN, LEAST_BUSY
	}

	/** Whom to hand the chat to: a strategy over a pool (for {@code MEMBER}, the pool's one member). */
	public record Target(Strategy strategy, List<MemberId> pool, boolean onlineOnly) {
	}

	/** Who got the chat, or why nobody could. */
	public record Result(MemberId member, String memberName, boolean changed, String summary) {

		public boolean handedOff() {
			return member != null;
		}
	}

	private final ChatService chats;
	private final TeamService team;
	private final JdbcClient jdbc;

	Handoffs(ChatService chats, TeamService team, JdbcClient jdbc) {
		this.chats = chats;
		this.team = team;
		this.jdbc = jdbc;
	}

	/** The member who would get the chat now, without assigning it or moving the rotation. */
	public Optional<TeamService.Candidate> preview(WorkspaceId workspace, BotId bot, String rotation, Chat chat,
			Target target) {
		return choose(workspace, chat, target, last(bot, rotation, false));
	}

	/** Assigns the chat by {@code origin}; call inside a transaction (the rotation row stays locked until its end). */
	public Result handOff(WorkspaceId workspace, BotId bot, String rotation, Chat chat, Target target,
			ChatService.Origin origin) {
		Optional<String> last = target.strategy() == Strategy.MEMBER ? Optional.empty() : last(bot, rotation, true);
		Optional<TeamService.Candidate> chosen = choose(workspace, chat, target, last);
		if (chosen.isEmpty()) {
			return new Result(null, null, false, "No member of the " + (target.strategy() == Strategy.MEMBER ? "step" : "pool")
					+ " can take this chat: they need a role on its business number"
					+ (target.onlineOnly() ? " and to be online" : ""));
		}
		TeamService.Candidate member = chosen.get();
		ChatService.Assignment assignment = chats.assign(workspace, chat.id(), member.id(), origin);
		if (target.strategy() != Strategy.MEMBER) {
			jdbc.sql("UPDATE bot_round_robin SET last_member_id = :member WHERE bot_id = :bot AND step_id = :step")
				.param("member", member.id().value())
				.param("bot", bot.value())
				.param("step", rotation)
				.update();
		}
		String how = switch (target.strategy()) {
			case MEMBER -> "";
			case ROUND_ROBIN -> " (round robin)";
			case LEAST_BUSY -> " (least busy: " + member.openChats() + " open chats)";
		};
		return new Result(member.id(), member.name(), assignment.changed(),
				"Assigned chat " + chat.id() + " to " + member.name() + how);
	}

	private Optional<TeamService.Candidate> choose(WorkspaceId workspace, Chat chat, Target target, Optional<String> last) {
		List<TeamService.Candidate> candidates = team.candidates(workspace, chat.businessNumberId(), target.pool(),
				target.onlineOnly());
		if (candidates.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(switch (target.strategy()) {
			case MEMBER, ROUND_ROBIN -> next(candidates, target.pool(), last);
			case LEAST_BUSY -> {
				int fewest = candidates.stream().mapToInt(TeamService.Candidate::openChats).min().orElseThrow();
				yield next(candidates.stream().filter(c -> c.openChats() == fewest).toList(), target.pool(), last);
			}
		});
	}

	/** The candidate that comes after {@code last} in the pool's order, wrapping around. */
	private static TeamService.Candidate next(List<TeamService.Candidate> candidates, List<MemberId> pool,
			Optional<String> last) {
		int lastIndex = last.map(id -> pool.indexOf(new MemberId(id))).orElse(-1);
		return candidates.stream()
			.filter(c -> pool.indexOf(c.id()) > lastIndex)
			.findFirst()
			.orElse(candidates.getFirst());
	}

	/** Who got the last chat of this rotation; with {@code lock}, the row is locked until the transaction ends. */
	private Optional<String> last(BotId bot, String rotation, boolean lock) {
		if (!lock) {
			return jdbc.sql("SELECT last_member_id FROM bot_round_robin WHERE bot_id = :bot AND step_id = :step")
				.param("bot", bot.value())
				.param("step", rotation)
				.query(String.class)
				.optional();
		}
		jdbc.sql("INSERT INTO bot_round_robin (bot_id, step_id) VALUES (:bot, :step) ON CONFLICT DO NOTHING")
			.param("bot", bot.value())
			.param("step", rotation)
			.update();
		return jdbc.sql("SELECT last_member_id FROM bot_round_robin WHERE bot_id = :bot AND step_id = :step FOR UPDATE")
			.param("bot", bot.value())
			.param("step", rotation)
			.query((rs, n) -> Optional.ofNullable(rs.getString(1)))
			.single();
	}
}
