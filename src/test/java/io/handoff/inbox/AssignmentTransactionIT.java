package io.handoff.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** The change and its event are one: both or neither, and concurrent changes of a chat queue up. */
@IntegrationTest
class AssignmentTransactionIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	JdbcClient jdbc;

	Fixtures.Workspace ws;

	@BeforeEach
	void workspace() {
		ws = fixtures.workspace();
	}

	@Test
	void rollbackLeavesNeitherTheChangeNorTheEvent() {
		var origin = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());

		assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
			chats.assign(ws.id(), ws.chat().id(), ws.john().id(), origin);
			assertThat(count("events")).isEqualTo(1);
			throw new IllegalStateException("the surrounding work failed");
		})).hasMessage("the surrounding work failed");

		Chat chat = chats.get(ws.id(), ws.chat().id(), "id");
		assertThat(chat.assigneeId()).isNull();
		assertThat(chat.sequence()).isZero();
		assertThat(count("events")).isZero();
		assertThat(count("assignment_history")).isZero();
	}

	@Test
	void concurrentAssignmentsGetGaplessSequences() throws Exception {
		List<MemberId> agents = List.of(ws.anita().id(), ws.john().id(), ws.rahul().id());
		var origin = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		int threads = 50;
		CountDownLatch start = new CountDownLatch(1);
		List<Future<ChatService.Assignment>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
			for (int i = 0; i < threads; i++) {
				MemberId agent = agents.get(i % agents.size());
				results.add(pool.submit(() -> {
					start.await();
					return chats.assign(ws.id(), ws.chat().id(), agent, origin);
				}));
			}
			start.countDown();
			int changes = 0;
			for (Future<ChatService.Assignment> result : results) {
				changes += result.get().changed() ? 1 : 0;
			}

			long n = changes;
			assertThat(n).isPositive();
			assertThat(chats.get(ws.id(), ws.chat().id(), "id").sequence()).isEqualTo(n);
			List<Long> expected = java.util.stream.LongStream.rangeClosed(1, n).boxed().toList();
			assertThat(sequences("assignment_history")).isEqualTo(expected);
			assertThat(sequences("events")).isEqualTo(expected);
			// Each event's previous assignee is the one the history says the chat had: the changes really queued.
			List<String> froms = jdbc.sql("""
					SELECT coalesce(from_member_id, '') FROM assignment_history WHERE chat_id = :chat ORDER BY sequence
					""").param("chat", ws.chat().id().value()).query(String.class).list();
			List<String> tos = jdbc.sql("SELECT to_member_id FROM assignment_history WHERE chat_id = :chat ORDER BY sequence")
				.param("chat", ws.chat().id().value())
				.query(String.class)
				.list();
			for (int i = 1; i < froms.size(); i++) {
				assertThat(froms.get(i)).isEqualTo(tos.get(i - 1));
				assertThat(froms.get(i)).isNotEqualTo(tos.get(i));
			}
		}
	}

	private long count(String table) {
		return jdbc.sql("SELECT count(*) FROM " + table + " WHERE chat_id = :chat")
			.param("chat", ws.chat().id().value())
			.query(Long.class)
			.single();
	}

	private List<Long> sequences(String table) {
		return jdbc.sql("SELECT sequence FROM " + table + " WHERE chat_id = :chat ORDER BY sequence")
			.param("chat", ws.chat().id().value())
			.query(Long.class)
			.list();
	}
}
