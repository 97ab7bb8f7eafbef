package io.handoff.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.Connection;
import io.handoff.connectors.ConnectionService;
import io.handoff.inbox.ChatActivity;
import io.handoff.inbox.ChatId;
import io.handoff.platform.LeasedQueueWorker;
import io.handoff.platform.NodeId;
import io.handoff.platform.Notifications;
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;

/**
 * Sends queued replies to WhatsApp, on any node, through the shared {@link LeasedQueueWorker}: a message is claimed
 * under a lease, sent once, and marked {@code sent} with Meta's message id, or {@code failed} with the reason. A
 * transient failure (a 5xx, a rate limit, a refused connection: nothing reached WhatsApp, or WhatsApp asks to try
 * later) puts it back with a doubling wait, up to {@code handoff.whatsapp.max-tries}. A message whose node died
 * while sending it is failed, not sent again: WhatsApp has no idempotency key, and a customer who gets a message
 * twice is worse off than an agent who is told to check.
 */
@Component
class Outbox implements SmartLifecycle, LeasedQueueWorker.Queue<Outbox.Claimed> {

	static final String CHANNEL = "handoff_outbox";

	private static final Logger log = LoggerFactory.getLogger(Outbox.class);

	private static final String INTERRUPTED = "Handoff stopped while sending this message, so it is not known whether "
			+ "the customer got it. Check before sending it again.";

	private final JdbcClient jdbc;
	private final GraphApi graph;
	private final ConnectionService connections;
	private final TransactionTemplate transactions;
	private final ApplicationEventPublisher publisher;
	private final WhatsAppProperties properties;
	private final JsonMapper json;
	private final Clock clock;
	private final String node;
	private final LeasedQueueWorker<Claimed> worker;

	Outbox(JdbcClient jdbc, GraphApi graph, ConnectionService connections, TransactionTemplate transactions,
			ApplicationEventPublisher publisher, WhatsAppProperties properties, JsonMapper json, Notifications notifications,
			Clock clock, NodeId node) {
		this.jdbc = jdbc;
		this.graph = graph;
		this.connections = connections;
		this.transactions = transactions;
		this.publisher = publisher;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
		this.node = node.value();
		this.worker = new LeasedQueueWorker<>(this, new LeasedQueueWorker.Settings("whatsapp", CHANNEL, 16,
				Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(10)), notifications, clock);
	}

	/** A claimed message with what sending it needs. */
	record Claimed(String id, WorkspaceId workspace, ChatId chat, String type, String body, String template, int tries,
			String waId, String phoneNumberId) {
	}

	@Override
	public List<Claimed> claim(int room, Instant now, Instant leaseUntil) {
		return jdbc.sql("""
				WITH claimed AS (
				    UPDATE messages m SET status = 'sending', lease_owner = :node, lease_expires_at = :until,
				        tries = m.tries + 1, next_try_at = NULL
				    WHERE m.id IN (SELECT q.id FROM messages q WHERE q.status = 'queued' AND q.next_try_at <= :now
				                   ORDER BY q.next_try_at LIMIT :room FOR UPDATE SKIP LOCKED)
				    RETURNING m.id, m.workspace_id, m.chat_id, m.type, m.body, m.template, m.tries)
				SELECT claimed.*, cu.wa_id, b.phone_number_id FROM claimed
				JOIN chats c ON c.id = claimed.chat_id
				JOIN customers cu ON cu.id = c.customer_id
				JOIN business_numbers b ON b.id = c.business_number_id
				""")
			.param("node", node)
			.param("until", SqlValues.timestamp(leaseUntil))
			.param("now", SqlValues.timestamp(now))
			.param("room", room)
			.query((rs, n) -> new Claimed(rs.getString("id"), new WorkspaceId(rs.getString("workspace_id")),
					new ChatId(rs.getString("chat_id")), rs.getString("type"), rs.getString("body"),
					rs.getString("template"), rs.getInt("tries"), rs.getString("wa_id"), rs.getString("phone_number_id")))
			.list();
	}

	@Override
	public void process(Claimed message) throws InterruptedException {
		Optional<ConnectionService.Resolved> connection = message.phoneNumberId() == null ? Optional.empty()
				: connections.findBySetting(message.workspace(), Connection.Type.WHATSAPP_CLOUD, "phoneNumberId",
						message.phoneNumberId());
		if (connection.isEmpty()) {
			finish(message, "failed", null, null, "The number's WhatsApp Cloud API connection was removed before this was sent");
			return;
		}
		GraphApi.Sent sent = graph.send(connection.get(), payload(message));
		switch (sent) {
			case GraphApi.Accepted accepted -> finish(message, "sent", accepted.messageId(), null, null);
			case GraphApi.Refused refused when refused.retry() && message.tries() < properties.maxTries() -> {
				Duration wait = backoff(message.tries());
				retryLater(message, Timestamps.now(clock).plus(wait), refused);
			}
			case GraphApi.Refused refused -> finish(message, "failed", null, refused.code(), refused.reason());
		}
	}

	/** Meta's {@code messages} body: the text, or the template with its body parameters. */
	ObjectNode payload(Claimed message) {
		ObjectNode body = json.createObjectNode();
		body.put("messaging_product", "whatsapp");
		body.put("recipient_type", "individual");
		body.put("to", message.waId());
		if ("template".equals(message.type())) {
			JsonNode stored = json.readTree(message.template());
			body.put("type", "template");
			ObjectNode template = body.putObject("template");
			template.put("name", stored.path("name").asString());
			template.putObject("language").put("code", stored.path("language").asString());
			if (!stored.path("parameters").isEmpty()) {
				ArrayNode parameters = template.putArray("components").addObject().put("type", "body").putArray("parameters");
				boolean named = stored.path("named").asBoolean(false);
				stored.path("parameters").properties().forEach(p -> {
					ObjectNode parameter = parameters.addObject().put("type", "text");
					if (named) {
						parameter.put("parameter_name", p.getKey());
					}
					parameter.put("text", p.getValue().asString());
				});
			}
		}
		else {
			body.put("type", "text");
			body.putObject("text").put("preview_url", false).put("body", message.body());
		}
		return body;
	}

	private Duration backoff(int tries) {
		long base = properties.retryBase().toMillis() << Math.min(tries - 1, 10);
		return Duration.ofMillis((long) (base * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
	}

	private void finish(Claimed message, String status, String externalId, Integer code, String error) {
		transactions.executeWithoutResult(tx -> {
			int updated = jdbc.sql("""
					UPDATE messages SET status = CASE WHEN status_rank > :rank THEN status ELSE :status END,
					    status_rank = greatest(status_rank, :rank), status_at = :now, external_id = :external,
					    error_code = :code, error = :error, lease_owner = NULL, lease_expires_at = NULL
					WHERE id = :id AND status = 'sending' AND lease_owner = :node
					""")
				.param("id", message.id())
				.param("node", node)
				.param("status", status)
				.param("rank", io.handoff.inbox.MessageService.rank(status))
				.param("now", SqlValues.timestamp(Timestamps.now(clock)))
				.param("external", externalId)
				.param("code", code)
				.param("error", error)
				.update();
			if (updated == 1) {
				publisher.publishEvent(new ChatActivity(message.workspace(), message.chat()));
			}
		});
		if ("failed".equals(status)) {
			log.info("WhatsApp message {} failed (code {})", message.id(), code);
		}
	}

	private void retryLater(Claimed message, Instant at, GraphApi.Refused refused) {
		transactions.executeWithoutResult(tx -> {
			jdbc.sql("""
					UPDATE messages SET status = 'queued', next_try_at = :at, error_code = :code,
					    error = :error, lease_owner = NULL, lease_expires_at = NULL
					WHERE id = :id AND status = 'sending' AND lease_owner = :node
					""")
				.param("id", message.id())
				.param("node", node)
				.param("at", SqlValues.timestamp(at))
				.param("code", refused.code())
				.param("error", refused.reason() + " Trying again.")
				.update();
			publisher.publishEvent(new ChatActivity(message.workspace(), message.chat()));
		});
	}

	@Override
	public void renewLeases(Instant until) {
		jdbc.sql("UPDATE messages SET lease_expires_at = :until WHERE status = 'sending' AND lease_owner = :node")
			.param("until", SqlValues.timestamp(until))
			.param("node", node)
			.update();
	}

	/** A dead node's sends: failed, not sent again (see the class). */
	@Override
	public int releaseExpired(Instant now) {
		return failInterrupted("lease_expires_at < :now", null, now);
	}

	/** This node is stopping: what it was still sending is failed the same way. */
	@Override
	public int releaseHeld() {
		return failInterrupted("lease_owner = :node", node, Timestamps.now(clock));
	}

	private int failInterrupted(String which, String owner, Instant now) {
		var update = jdbc.sql("""
				UPDATE messages SET status = 'failed', status_rank = greatest(status_rank, 4), status_at = :now,
				    error = :error, lease_owner = NULL, lease_expires_at = NULL
				WHERE status = 'sending' AND %s
				""".formatted(which)).param("now", SqlValues.timestamp(now)).param("error", INTERRUPTED);
		return (owner == null ? update : update.param("node", owner)).update();
	}

	@Override
	public Optional<Instant> nextDue() {
		return jdbc.sql("SELECT min(next_try_at) AS due FROM messages WHERE status = 'queued'")
			.query((rs, n) -> SqlValues.instant(rs, "due"))
			.optional();
	}

	@Override
	public void start() {
		worker.start();
	}

	@Override
	public void stop() {
		worker.stop(LeasedQueueWorker.SHUTDOWN_GRACE);
	}

	@Override
	public void stop(Runnable callback) {
		worker.stopInBackground(LeasedQueueWorker.SHUTDOWN_GRACE, callback);
	}

	@Override
	public boolean isRunning() {
		return worker.isRunning();
	}
}
