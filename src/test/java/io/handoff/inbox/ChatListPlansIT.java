package io.handoff.inbox;

import java.time.Instant;
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
 * The chat list's filters, the inbox's tabs and a chat's assignment history read their page from an index in the
 * list's order, in custom and in generic plans, on a database of 20,000 chats: a customer's chats came from a scan of
 * the workspace's (34 ms at 200,000 chats).
 */
class ChatListPlansIT {

	static final WorkspaceId WS = new WorkspaceId(ScaleData.WORKSPACE);

	static Stream<Arguments> lists() {
		String customer = QueryPlans.value(
				"SELECT customer_id FROM chats WHERE workspace_id = 'ws_SCALE' ORDER BY id LIMIT 1 OFFSET 5000");
		String middle = QueryPlans.value("SELECT id FROM chats WHERE workspace_id = 'ws_SCALE' ORDER BY id LIMIT 1 OFFSET 9000");
		Instant middleActivity = Instant.parse(QueryPlans.value(
				"SELECT to_char(last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM chats WHERE id = '"
						+ middle + "'"));
		MemberId agent = new MemberId(ScaleData.AGENT);
		BusinessNumberId number = new BusinessNumberId(ScaleData.NUMBER);
		ChatFilter all = new ChatFilter(null, null, null, null, false);
		ChatFilter byCustomer = new ChatFilter(null, new CustomerId(customer), null, null, false);
		ChatFilter mine = new ChatFilter(null, null, Chat.Status.OPEN, agent, false);
		ChatFilter byAgent = new ChatFilter(null, null, null, agent, false);
		ChatFilter unassigned = new ChatFilter(number, null, Chat.Status.OPEN, null, true);
		ChatFilter open = new ChatFilter(number, null, Chat.Status.OPEN, null, false);
		InboxEntry.Cursor cursor = new InboxEntry.Cursor(middleActivity, middle);
		return Stream.of(
				Arguments.of("chats", Chats.listQuery(WS, all, new PageRequest(20, null))),
				Arguments.of("chats, later page", Chats.listQuery(WS, all, new PageRequest(20, middle))),
				Arguments.of("chats of a customer", Chats.listQuery(WS, byCustomer, new PageRequest(20, null))),
				Arguments.of("chats of an agent", Chats.listQuery(WS, byAgent, new PageRequest(20, null))),
				Arguments.of("chats of an agent, later page", Chats.listQuery(WS, byAgent, new PageRequest(20, middle))),
				Arguments.of("open chats of a number", Chats.listQuery(WS, open, new PageRequest(20, null))),
				Arguments.of("unassigned chats", Chats.listQuery(WS, new ChatFilter(null, null, null, null, true),
						new PageRequest(20, null))),
				Arguments.of("inbox, All", Chats.inboxQuery(WS, all, null, "", null, 21, agent)),
				Arguments.of("inbox, All, later page", Chats.inboxQuery(WS, all, null, "", cursor, 21, agent)),
				Arguments.of("inbox, Mine", Chats.inboxQuery(WS, mine, null, "", null, 21, agent)),
				Arguments.of("inbox, open", Chats.inboxQuery(WS, open, null, "", null, 21, agent)),
				Arguments.of("inbox, Unassigned", Chats.inboxQuery(WS, unassigned, null, "", null, 21, agent)),
				Arguments.of("a chat's assignment history", AssignmentHistory.listQuery(WS, new ChatId(middle), null, 21)),
				Arguments.of("a chat's assignment history, later page",
						AssignmentHistory.listQuery(WS, new ChatId(middle), Long.parseLong(QueryPlans.value(
								"SELECT max(sequence) FROM assignment_history WHERE chat_id = '" + middle + "'")), 21)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("lists")
	void eachListReadsItsPageFromAnIndexInOrder(String name, ListQuery query) {
		QueryPlans.assertReadsItsPageFromAnIndex(query, false);
	}
}
