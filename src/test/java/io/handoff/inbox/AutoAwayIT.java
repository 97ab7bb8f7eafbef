package io.handoff.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.handoff.platform.MemberDirectory;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** Auto-away: online members not seen in the console for a while become busy; others are left as they are. */
@IntegrationTest
class AutoAwayIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	AutoAway autoAway;

	@Autowired
	MemberDirectory directory;

	@Autowired
	TeamService team;

	@Autowired
	JdbcClient jdbc;

	@Test
	void onlineMembersUnseenForTooLongBecomeBusy() {
		Fixtures.Workspace ws = fixtures.workspace();
		// John used the console two hours ago, Rahul a minute ago; Anita never did (she works through the API).
		directory.seen(ws.id(), ws.john().id().value());
		directory.seen(ws.id(), ws.rahul().id().value());
		jdbc.sql("UPDATE members SET last_seen_at = now() - interval '2 hours' WHERE id = :id")
			.param("id", ws.john().id().value())
			.update();
		jdbc.sql("UPDATE members SET last_seen_at = now() - interval '1 minute' WHERE id = :id")
			.param("id", ws.rahul().id().value())
			.update();
		// Sara was seen long ago too, but said she is offline: that stays.
		team.setAvailability(ws.id(), ws.sara().id(), Member.Availability.OFFLINE);
		jdbc.sql("UPDATE members SET last_seen_at = now() - interval '3 hours' WHERE id = :id")
			.param("id", ws.sara().id().value())
			.update();

		assertThat(autoAway.sweep(Duration.ofMinutes(30))).isGreaterThanOrEqualTo(1);

		Map<MemberId, Member.Availability> now = Map.of(ws.john().id(), availability(ws, ws.john()),
				ws.rahul().id(), availability(ws, ws.rahul()), ws.anita().id(), availability(ws, ws.anita()),
				ws.sara().id(), availability(ws, ws.sara()));
		assertThat(now).containsEntry(ws.john().id(), Member.Availability.BUSY)
			.containsEntry(ws.rahul().id(), Member.Availability.ONLINE)
			.containsEntry(ws.anita().id(), Member.Availability.ONLINE)
			.containsEntry(ws.sara().id(), Member.Availability.OFFLINE);
		// Busy is out of "online members only" routing.
		assertThat(team.candidates(ws.id(), ws.support().id(), java.util.List.of(ws.john().id(), ws.rahul().id()), true))
			.extracting(TeamService.Candidate::id)
			.containsExactly(ws.rahul().id());
	}

	private Member.Availability availability(Fixtures.Workspace ws, Member member) {
		return team.member(ws.id(), member.id(), "id").availability();
	}
}
