package io.handoff.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL {@code LISTEN/NOTIFY} for the whole node over one connection: a transaction calls {@link #notify} and, at
 * its commit, every node's listeners on that channel run with the payload (on this node's listening thread, so they
 * must be quick: wake something up, complete a future). Nothing is delivered for a transaction that rolls back.
 */
@Component
public class Notifications implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Notifications.class);
	private static final Pattern CHANNEL = Pattern.compile("[a-z_]{1,63}");

	private final DataSource dataSource;
	private final JdbcClient jdbc;
	private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
	private volatile boolean running;
	private volatile boolean listening;
	private Thread thread;

	Notifications(DataSource dataSource, JdbcClient jdbc) {
		this.dataSource = dataSource;
		this.jdbc = jdbc;
	}

	/** Runs {@code listener} with each payload sent on {@code channel} from now on. */
	public void listen(String channel, Consumer<String> listener) {
		if (!CHANNEL.matcher(channel).matches()) {
			throw new IllegalArgumentException("not a channel name: " + channel);
		}
		listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
	}

	/**
	 * Rings a queue's doorbell: when the current transaction commits (at once outside one), this node's listeners on
	 * {@code channel} run with an empty payload, and the other nodes' soon after through one {@code pg_notify} sent on
	 * its own for all that rang within a few milliseconds.
	 * <p>
	 * A NOTIFY inside the work's own transaction would serialize its commit with every other notifying commit: at
	 * commit PostgreSQL holds one global lock from queueing the notification until the commit record is flushed, so
	 * hooks, runs and deliveries committing at hundreds per second would wait on each other's disk flushes. A
	 * doorbell needs no payload and no atomicity (the pollers are the fallback), so it is rung after the commit.
	 */
	public void wake(String channel) {
		if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
			org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
					new org.springframework.transaction.support.TransactionSynchronization() {
						@Override
						public void afterCommit() {
							ring(channel);
						}
					});
		}
		else {
			ring(channel);
		}
	}

	private final java.util.Set<String> ringing = ConcurrentHashMap.newKeySet();
	private final java.util.concurrent.locks.ReentrantLock ringer = new java.util.concurrent.locks.ReentrantLock();

	private void ring(String channel) {
		deliver(channel, "");
		if (ringing.add(channel)) {
			Thread.ofVirtual().name("handoff-notify").start(this::sendRung);
		}
	}

	/** Sends one NOTIFY per channel rung since the last, a few milliseconds apart at most, outside any transaction. */
	private void sendRung() {
		ringer.lock();
		try {
			Thread.sleep(2);
			for (String channel : List.copyOf(ringing)) {
				ringing.remove(channel);
				try {
					jdbc.sql("SELECT pg_notify(:channel, '')").param("channel", channel).query().singleValue();
				}
				catch (RuntimeException e) {
					log.debug("Could not tell the other nodes about {}; their pollers will find it", channel, e);
				}
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		finally {
			ringer.unlock();
		}
	}

	/** Sends {@code payload} to the listeners of {@code channel} on every node when the current transaction commits. */
	public void notify(String channel, String payload) {
		jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", channel).param("payload", payload).query().singleValue();
	}

	/** Whether the listening connection is up; a node that is not listening relies on its pollers alone. */
	public boolean listening() {
		return listening;
	}

	@Override
	public void start() {
		running = true;
		thread = Thread.ofPlatform().name("handoff-listen").daemon().start(this::run);
	}

	@Override
	public void stop() {
		running = false;
		if (thread != null) {
			thread.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Before the components that listen (higher phases start later and stop earlier). */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 2000;
	}

	private void run() {
		while (running) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				connection.setAutoCommit(true);
				java.util.Set<String> subscribed = new java.util.HashSet<>();
				PGConnection postgres = connection.unwrap(PGConnection.class);
				while (running) {
					for (String channel : listeners.keySet()) {
						if (subscribed.add(channel)) {
							statement.execute("LISTEN " + channel);
						}
					}
					listening = true;
					PGNotification[] received = postgres.getNotifications(250);
					if (received != null) {
						for (PGNotification notification : received) {
							deliver(notification.getName(), notification.getParameter());
						}
					}
				}
			}
			catch (SQLException e) {
				listening = false;
				if (running) {
					log.warn("Lost the notification connection; reconnecting", e);
					try {
						Thread.sleep(Duration.ofSeconds(1));
					}
					catch (InterruptedException interrupted) {
						return;
					}
				}
			}
		}
		listening = false;
	}

	private void deliver(String channel, String payload) {
		for (Consumer<String> listener : listeners.getOrDefault(channel, List.of())) {
			try {
				listener.accept(payload);
			}
			catch (RuntimeException e) {
				log.warn("A listener on {} failed", channel, e);
			}
		}
	}
}
