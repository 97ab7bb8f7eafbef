package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.handoff.support.FreshDatabase;

/**
 * Group commit on a real PostgreSQL: concurrent writers share transactions, each returns only once its row is
 * committed, a bad item fails alone, and writes after stop still happen (in the caller's thread).
 */
class GroupCommitIT {

	private JdbcClient jdbc;
	private TransactionTemplate transactions;
	private final AtomicInteger batches = new AtomicInteger();
	private final List<Integer> afterCommit = java.util.Collections.synchronizedList(new ArrayList<>());
	private GroupCommit<Integer> writes;

	@BeforeEach
	void setUp() throws Exception {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(),
				FreshDatabase.create("group_commit"));
		jdbc = JdbcClient.create(dataSource);
		transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		jdbc.sql("CREATE TABLE items (n integer PRIMARY KEY CHECK (n >= 0))").update();
		writes = new GroupCommit<>("test", 100, transactions, items -> {
			batches.incrementAndGet();
			items.forEach(n -> jdbc.sql("INSERT INTO items VALUES (:n)").param("n", n).update());
			// Slow enough that writers arriving meanwhile pile up for the next batch.
			sleep(5);
		}, afterCommit::addAll);
		writes.start();
	}

	@AfterEach
	void tearDown() {
		writes.stop(Duration.ofSeconds(5));
	}

	@Test
	void concurrentWritersShareTransactionsAndReturnOnlyOnceCommitted() throws Exception {
		int writers = 200;
		CountDownLatch start = new CountDownLatch(1);
		java.util.Set<Integer> seenCommitted = ConcurrentHashMap.newKeySet();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < writers; i++) {
				int n = i;
				done.add(pool.submit(() -> {
					start.await();
					writes.write(n);
					// Visible to another connection the moment write returns: it was committed.
					if (jdbc.sql("SELECT count(*) FROM items WHERE n = :n").param("n", n).query(Integer.class).single() == 1) {
						seenCommitted.add(n);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> f : done) {
				f.get();
			}
		}
		assertThat(seenCommitted).hasSize(writers);
		assertThat(batches.get()).as("transactions for %d writers", writers).isLessThan(writers / 4);
		assertThat(afterCommit).hasSize(writers);
	}

	@Test
	void aBadItemFailsAloneAndTheOthersInItsBatchAreWritten() throws Exception {
		List<Future<?>> done = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int n : new int[] { 1, 2, -1, 3, 4 }) {
				done.add(pool.submit(() -> {
					writes.write(n);
					return null;
				}));
			}
			List<Integer> failed = new ArrayList<>();
			for (int i = 0; i < done.size(); i++) {
				try {
					done.get(i).get();
				}
				catch (java.util.concurrent.ExecutionException e) {
					assertThat(e.getCause()).isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
					failed.add(i);
				}
			}
			assertThat(failed).containsExactly(2);
		}
		assertThat(jdbc.sql("SELECT n FROM items ORDER BY n").query(Integer.class).list()).containsExactly(1, 2, 3, 4);
		assertThatThrownBy(() -> writes.write(1)).isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
	}

	@Test
	void afterStopWritesHappenInTheCallersThread() {
		writes.stop(Duration.ofSeconds(5));
		writes.write(7);
		assertThat(jdbc.sql("SELECT count(*) FROM items WHERE n = 7").query(Integer.class).single()).isEqualTo(1);
		assertThat(afterCommit).contains(7);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
