package io.handoff.studio;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.handoff.platform.ListQuery;
import io.handoff.platform.PageRequest;
import io.handoff.platform.WorkspaceId;
import io.handoff.support.QueryPlans;
import io.handoff.support.ScaleData;

/**
 * A bot's run history, over its monthly partitions, reads its page from an index in the list's order, with and
 * without a status, in custom and in generic plans, on a database where the bot has run about 20,000 times.
 */
class RunListPlansIT {

	static final WorkspaceId WS = new WorkspaceId(ScaleData.WORKSPACE);
	static final BotId BOT = new BotId(ScaleData.BOT);

	static Stream<Arguments> lists() {
		String middle = QueryPlans.value("SELECT id FROM bot_runs WHERE bot_id = 'bot_SCALE' ORDER BY id LIMIT 1 OFFSET 10000");
		return Stream.of(
				Arguments.of("a bot's runs", Runs.listQuery(WS, BOT, null, new PageRequest(20, null))),
				Arguments.of("a bot's runs, later page", Runs.listQuery(WS, BOT, null, new PageRequest(20, middle))),
				Arguments.of("a bot's failed runs", Runs.listQuery(WS, BOT, Run.Status.FAILED, new PageRequest(20, null))),
				Arguments.of("a bot's failed runs, later page",
						Runs.listQuery(WS, BOT, Run.Status.FAILED, new PageRequest(20, middle))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("lists")
	void eachFilterReadsItsPageFromAnIndexInOrder(String name, ListQuery query) {
		QueryPlans.assertReadsItsPageFromAnIndex(query, false);
	}
}
