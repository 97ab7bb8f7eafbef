package io.handoff.events;

import java.util.List;
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
 * The event log's filters read their page from an index in the log's order, in custom and in generic plans, on a
 * database of 60,000 events: a forced generic plan of the catch-all chat filter took seconds at 2,000,000.
 */
class EventListPlansIT {

	static final WorkspaceId WS = new WorkspaceId(ScaleData.WORKSPACE);

	static Stream<Arguments> lists() {
		String chat = QueryPlans.value("SELECT chat_id FROM events WHERE workspace_id = 'ws_SCALE' ORDER BY id LIMIT 1 OFFSET 30000");
		String middle = QueryPlans.value("SELECT id FROM events WHERE workspace_id = 'ws_SCALE' ORDER BY id LIMIT 1 OFFSET 30000");
		return Stream.of(
				Arguments.of("all", Events.listQuery(WS, null, null, null, new PageRequest(20, null))),
				Arguments.of("all, later page", Events.listQuery(WS, null, null, null, new PageRequest(20, middle))),
				Arguments.of("a type", Events.listQuery(WS, EventType.CHAT_ASSIGNED, null, null, new PageRequest(20, null))),
				Arguments.of("a type, later page",
						Events.listQuery(WS, EventType.CHAT_ASSIGNED, null, null, new PageRequest(20, middle))),
				Arguments.of("a chat", Events.listQuery(WS, null, chat, null, new PageRequest(20, null))),
				Arguments.of("a chat, for a member who sees it",
						Events.listQuery(WS, null, chat, List.of(chat), new PageRequest(20, null))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("lists")
	void eachFilterReadsItsPageFromAnIndexInOrder(String name, ListQuery query) {
		QueryPlans.assertReadsItsPageFromAnIndex(query, false);
	}
}
