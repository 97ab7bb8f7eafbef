package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.MemberId;
import io.handoff.webhooks.EndpointId;
import io.handoff.platform.Caller;
import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;
import io.handoff.support.StandardWebhooks;

/** Real deliveries to real local receivers, driven by the background dispatcher and a clock the test moves. */
@IntegrationTest
class DeliveryIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	MutableClock clock;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	Retention retention;

	@Autowired
	DeliveryService deliveryService;

	@Autowired
	Deliveries deliveries;

	Fixtures.Workspace ws;

	Api api;

	MockWebServer receiver;

	ChatService.Origin lead;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		api = ws.api();
		receiver = new MockWebServer();
		receiver.start();
		lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
	}

	@AfterEach
	void tearDown() {
		receiver.close();
		clock.reset();
	}

	@Test
	void deliversTheRecordedEventSignedAtOnce() throws Exception {
		String secret = endpoint("{}").get("secret").asString();
		receiver.enqueue(new MockResponse.Builder().code(200).body("thanks").build());

		assign(ws.john().id());

		RecordedRequest request = receiver.takeRequest(10, TimeUnit.SECONDS);
		assertThat(request).as("the receiver got the webhook").isNotNull();
		JsonNode event = api.get("/api/v1/events").json().at("/data/0");
		assertThat(request.getBody().utf8()).isEqualTo(event.get("payload").toString());
		assertThat(request.getHeaders().get("webhook-id")).isEqualTo(event.get("id").asString());
		assertThat(StandardWebhooks.verify(secret, request.getHeaders().get("webhook-id"),
				request.getHeaders().get("webhook-timestamp"), request.getBody().toByteArray(),
				request.getHeaders().get("webhook-signature"))).isTrue();

		JsonNode delivery = awaitDelivery("succeeded");
		assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
		assertThat(delivery.get("chatId").asString()).isEqualTo(ws.chat().id().value());
		assertThat(delivery.get("sequence").asLong()).isEqualTo(1);
		JsonNode attempt = delivery.at("/attemptLog/0");
		assertThat(attempt.get("trigger").asString()).isEqualTo("scheduled");
		assertThat(attempt.get("outcome").asString()).isEqualTo("success");
		assertThat(attempt.get("status").asInt()).isEqualTo(200);
		assertThat(attempt.get("responseBody").asString()).isEqualTo("thanks");
		assertThat(attempt.get("node").asString()).isEqualTo("test-node");
		assertThat(attempt.at("/requestHeaders/webhook-id").asString()).isEqualTo(event.get("id").asString());
		assertThat(attempt.get("requestBody").asString()).isEqualTo(event.get("payload").toString());
	}

	@Test
	void fansOutOnlyToMatchingEnabledEndpoints() {
		String all = endpoint("{}").at("/endpoint/id").asString();
		String support = endpoint("{\"businessNumbers\": [\"%s\"]}".formatted(ws.support().id())).at("/endpoint/id").asString();
		endpoint("{\"businessNumbers\": [\"%s\"]}".formatted(ws.sales().id()));
		endpoint("{\"eventTypes\": [\"chat.unassigned\"]}");
		String disabled = endpoint("{}").at("/endpoint/id").asString();
		api.post("/api/v1/webhooks/" + disabled + "/disable", null);
		receiver.setDispatcher(ok());

		assign(ws.john().id());

		List<String> endpoints = api.get("/api/v1/deliveries").json().get("data").valueStream()
			.map(d -> d.get("endpointId").asString())
			.toList();
		assertThat(endpoints).containsExactlyInAnyOrder(all, support);
	}

	@Test
	void aRolledBackAssignmentDeliversNothing() throws Exception {
		endpoint("{}");
		receiver.setDispatcher(ok());

		assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
			assign(ws.john().id());
			throw new IllegalStateException("rolled back");
		})).hasMessage("rolled back");

		assertThat(receiver.takeRequest(500, TimeUnit.MILLISECONDS)).isNull();
		assertThat(api.get("/api/v1/deliveries").json().get("data")).isEmpty();
	}

	@Test
	void retriesOnServerErrorsOnTheSchedule() throws Exception {
		endpoint("{}");
		receiver.enqueue(new MockResponse.Builder().code(500).build());
		receiver.enqueue(new MockResponse.Builder().code(502).build());
		receiver.enqueue(new MockResponse.Builder().code(200).build());

		assign(ws.john().id());

		JsonNode first = awaitDelivery(d -> d.get("attempts").asInt() == 1 && d.get("status").asString().equals("pending"));
		assertDueIn(first, Duration.ofSeconds(5));
		clock.advance(Duration.ofSeconds(7));
		JsonNode second = awaitDelivery(d -> d.get("attempts").asInt() == 2 && d.get("status").asString().equals("pending"));
		assertDueIn(second, Duration.ofMinutes(5));
		clock.advance(Duration.ofMinutes(7));
		JsonNode done = awaitDelivery("succeeded");

		assertThat(done.get("attempts").asInt()).isEqualTo(3);
		assertThat(done.get("attemptLog")).extracting(a -> a.get("status").asInt()).containsExactly(500, 502, 200);
		assertThat(receiver.getRequestCount()).isEqualTo(3);
		// The id stays the same on every try, so receivers can drop duplicates.
		List<String> ids = List.of(receiver.takeRequest().getHeaders().get("webhook-id"),
				receiver.takeRequest().getHeaders().get("webhook-id"), receiver.takeRequest().getHeaders().get("webhook-id"));
		assertThat(ids).containsOnly(done.get("eventId").asString());
	}

	@Test
	void retriesAfterTimeoutsResetsAndDnsFailures() {
		endpoint("{}");
		receiver.enqueue(new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.SECONDS).build());
		receiver.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
		receiver.enqueue(new MockResponse.Builder().code(200).build());

		assign(ws.john().id());

		JsonNode timedOut = awaitDelivery(d -> d.get("attempts").asInt() == 1 && d.get("status").asString().equals("pending"));
		assertThat(timedOut.get("lastOutcome").asString()).isEqualTo("timeout");
		assertDueIn(timedOut, Duration.ofSeconds(5));
		clock.advance(Duration.ofSeconds(7));
		JsonNode reset = awaitDelivery(d -> d.get("attempts").asInt() == 2);
		assertThat(reset.get("lastOutcome").asString()).isEqualTo("connection_reset");
		clock.advance(Duration.ofMinutes(7));
		assertThat(awaitDelivery("succeeded").get("attempts").asInt()).isEqualTo(3);

		Fixtures.Workspace other = fixtures.workspace();
		other.api().post("/api/v1/webhooks", """
				{"name": "nowhere", "url": "http://no-such-host.invalid/hook", "eventTypes": ["chat.assigned"]}""");
		chats.assign(other.id(), other.chat().id(), other.john().id(), lead);
		JsonNode dns = Await.value("a DNS failure is retried",
				() -> other.api().get("/api/v1/deliveries").json().at("/data/0"),
				d -> !d.isMissingNode() && d.get("attempts").asInt() == 1);
		assertThat(dns.get("lastOutcome").asString()).isEqualTo("dns_failure");
		assertThat(dns.get("status").asString()).isEqualTo("pending");
	}

	@Test
	void timeoutsFailAtOnceWhenTheEndpointSaysSo() {
		endpoint("{\"retryOnTimeout\": false}");
		receiver.enqueue(new MockResponse.Builder().code(200).headersDelay(5, TimeUnit.SECONDS).build());

		assign(ws.john().id());

		JsonNode failed = awaitDelivery("failed");
		assertThat(failed.get("lastOutcome").asString()).isEqualTo("timeout");
		assertThat(failed.get("attempts").asInt()).isEqualTo(1);
		JsonNode exhausted = awaitEvent("delivery.exhausted");
		assertThat(exhausted.at("/payload/data/deliveryId").asString()).isEqualTo(failed.get("id").asString());
	}

	@Test
	void honoursRetryAfterWithinTheCap() {
		endpoint("{}");
		receiver.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "120").build());
		receiver.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7200").build());
		receiver.enqueue(new MockResponse.Builder().code(200).build());

		assign(ws.john().id());

		JsonNode first = awaitDelivery(d -> d.get("attempts").asInt() == 1);
		assertThat(Duration.between(lastAttemptAt(first), Instant.parse(first.get("nextAttemptAt").asString())))
			.isBetween(Duration.ofSeconds(119), Duration.ofSeconds(121));
		clock.advance(Duration.ofSeconds(125));
		JsonNode second = awaitDelivery(d -> d.get("attempts").asInt() == 2);
		assertThat(Duration.between(lastAttemptAt(second), Instant.parse(second.get("nextAttemptAt").asString())))
			.isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
		clock.advance(Duration.ofMinutes(65));
		assertThat(awaitDelivery("succeeded").get("attempts").asInt()).isEqualTo(3);
	}

	@Test
	void goneDisablesTheEndpointAtOnce() {
		String id = endpoint("{}").at("/endpoint/id").asString();
		String watcher = endpoint("{\"eventTypes\": [\"endpoint.disabled\"]}").at("/endpoint/id").asString();
		receiver.enqueue(new MockResponse.Builder().code(410).build());
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().code(request.getBody().utf8().contains("\"chat.assigned\"") ? 410 : 200)
					.build();
			}
		});

		assign(ws.john().id());

		JsonNode failed = awaitDelivery(d -> d.get("endpointId").asString().equals(id) && d.get("status").asString().equals("failed"));
		assertThat(failed.get("lastStatus").asInt()).isEqualTo(410);
		JsonNode endpoint = api.get("/api/v1/webhooks/" + id).json();
		assertThat(endpoint.get("enabled").asBoolean()).isFalse();
		assertThat(endpoint.get("disabledReason").asString()).contains("410");
		JsonNode disabled = awaitEvent("endpoint.disabled");
		assertThat(disabled.at("/payload/data/endpointId").asString()).isEqualTo(id);
		assertThat(disabled.at("/payload/data/reason").asString()).isEqualTo("gone");
		// The event reaches endpoints that subscribed to it.
		awaitDelivery(d -> d.get("endpointId").asString().equals(watcher) && d.get("status").asString().equals("succeeded"));
		assertThat(api.get("/api/v1/events?type=delivery.exhausted").json().get("data")).isEmpty();
	}

	@Test
	void exhaustedDeliveriesEmitAnEvent() {
		String id = endpoint("{\"retrySchedule\": [\"1s\", \"2s\"]}").at("/endpoint/id").asString();
		receiver.setDispatcher(answering(500));

		assign(ws.john().id());

		awaitDelivery(d -> d.get("attempts").asInt() == 1);
		clock.advance(Duration.ofSeconds(2));
		awaitDelivery(d -> d.get("attempts").asInt() == 2);
		clock.advance(Duration.ofSeconds(3));
		JsonNode failed = awaitDelivery("failed");
		assertThat(failed.get("attempts").asInt()).isEqualTo(3);
		JsonNode event = awaitEvent("delivery.exhausted").get("payload");
		JsonNode data = event.get("data");
		assertThat(data.get("endpointId").asString()).isEqualTo(id);
		assertThat(data.get("attempts").asInt()).isEqualTo(3);
		assertThat(data.get("lastOutcome").asString()).isEqualTo("http_error");
		assertThat(data.get("lastStatus").asInt()).isEqualTo(500);
		assertThat(io.handoff.support.Schemas.errors(io.handoff.support.Schemas.served(api, "delivery.exhausted"), event))
			.isEmpty();
	}

	@Test
	void endpointsFailingForDaysAreDisabledAndNotReplayedWhenEnabled() {
		String id = endpoint("{\"retrySchedule\": [\"1h\", \"1h\", \"1h\", \"1h\", \"1h\", \"1h\", \"1h\", \"1h\", \"1h\"]}")
			.at("/endpoint/id").asString();
		receiver.setDispatcher(answering(500));

		assign(ws.john().id());
		awaitDelivery(d -> d.get("attempts").asInt() == 1);
		assertThat(Instant.parse(api.get("/api/v1/webhooks/" + id).json().get("failingSince").asString())).isNotNull();
		clock.advance(Duration.ofDays(5).plusHours(1));
		awaitDelivery(d -> d.get("attempts").asInt() == 2);

		JsonNode endpoint = Await.value("the endpoint is disabled", () -> api.get("/api/v1/webhooks/" + id).json(),
				e -> !e.get("enabled").asBoolean());
		assertThat(endpoint.get("disabledReason").asString()).startsWith("No successful delivery since");
		JsonNode disabled = awaitEvent("endpoint.disabled");
		assertThat(disabled.at("/payload/data/reason").asString()).isEqualTo("failing");
		assertThat(io.handoff.support.Schemas.errors(io.handoff.support.Schemas.served(api, "endpoint.disabled"),
				disabled.get("payload"))).isEmpty();

		// What was waiting fails with the endpoint, so enabling it again replays nothing.
		JsonNode delivery = awaitDelivery("failed");
		assertThat(delivery.get("lastOutcome").asString()).isEqualTo("endpoint_disabled");
		int requests = receiver.getRequestCount();
		JsonNode enabled = api.post("/api/v1/webhooks/" + id + "/enable", null).json();
		assertThat(enabled.get("failingSince").isNull()).isTrue();
		clock.advance(Duration.ofHours(2));
		assertThat(api.get("/api/v1/deliveries/" + delivery.get("id").asString()).json().get("status").asString())
			.isEqualTo("failed");
		assertThat(receiver.getRequestCount()).isEqualTo(requests);
	}

	@Test
	void keepsEachChatsOrderWhileTheReceiverFailsNowAndThen() {
		endpoint("{\"ordering\": \"per_chat\", \"retrySchedule\": [\"1s\", \"1s\", \"1s\", \"1s\", \"1s\"]}");
		List<Long> received = new CopyOnWriteArrayList<>();
		List<Long> accepted = new CopyOnWriteArrayList<>();
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				long sequence = io.handoff.support.Api.parse(request.getBody().utf8()).at("/data/sequence").asLong();
				received.add(sequence);
				// Every other event fails on its first try.
				boolean fail = sequence % 2 == 0 && received.stream().filter(s -> s == sequence).count() == 1;
				if (!fail) {
					accepted.add(sequence);
				}
				return new MockResponse.Builder().code(fail ? 500 : 200).build();
			}
		});
		List<MemberId> agents = List.of(ws.john().id(), ws.rahul().id(), ws.anita().id());
		for (int i = 0; i < 9; i++) {
			assign(agents.get(i % agents.size()));
		}

		// Time moves only while nothing is being sent: moving it under a send would let the send's lease lapse
		// (12 s) before the node's heartbeat renews it, and the test would see a resend the product never makes.
		Await.until("every event is accepted", () -> {
			if (inFlight() == 0) {
				clock.advance(Duration.ofSeconds(2));
			}
			return accepted.size() >= 9;
		});

		assertThat(accepted).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
		assertThat(received).isSorted();
	}

	@Test
	void aSlowEndpointDoesNotHoldUpAFastOne() throws Exception {
		MockWebServer slow = new MockWebServer();
		slow.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().code(200).headersDelay(2500, TimeUnit.MILLISECONDS).build();
			}
		});
		slow.start();
		try {
			String slowId = endpoint("{\"url\": \"%s\"}".formatted(slow.url("/slow"))).at("/endpoint/id").asString();
			String fastId = endpoint("{}").at("/endpoint/id").asString();
			receiver.setDispatcher(ok());
			List<MemberId> agents = List.of(ws.john().id(), ws.rahul().id());
			for (int i = 0; i < 6; i++) {
				assign(agents.get(i % 2));
			}

			Await.until("the fast endpoint has all six", () -> count(fastId, "succeeded") == 6);
			assertThat(count(slowId, "succeeded")).as("the slow endpoint is still answering").isZero();
			Await.until("the slow endpoint catches up", () -> count(slowId, "succeeded") == 6);
		}
		finally {
			slow.close();
		}
	}

	@Test
	void spacesRequestsToRateLimitedEndpoints() {
		endpoint("{\"rateLimitPerSecond\": 4}");
		List<Long> arrivals = new CopyOnWriteArrayList<>();
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				arrivals.add(System.nanoTime());
				return new MockResponse.Builder().code(200).build();
			}
		});
		List<MemberId> agents = List.of(ws.john().id(), ws.rahul().id());
		for (int i = 0; i < 6; i++) {
			assign(agents.get(i % 2));
		}

		Await.until("all six arrive", () -> arrivals.size() == 6);

		// Four a second: six requests span at least five gaps of a quarter second (less a little for scheduling).
		assertThat(Duration.ofNanos(arrivals.get(5) - arrivals.get(0))).isGreaterThan(Duration.ofMillis(1150));
	}

	@Test
	void resendsOneDeliveryAndRecoversFailures() {
		String id = endpoint("{\"retrySchedule\": []}").at("/endpoint/id").asString();
		receiver.setDispatcher(answering(500));
		assign(ws.john().id());
		JsonNode before = awaitDelivery("failed");
		Instant since = Timestamps(before.get("createdAt").asString()).plusMillis(1);
		clock.advance(Duration.ofSeconds(1));
		assign(ws.rahul().id());
		assign(ws.john().id());
		Await.until("three failed", () -> count(id, "failed") == 3);
		receiver.setDispatcher(ok());

		JsonNode resent = api.post("/api/v1/deliveries/" + before.get("id").asString() + "/resend", null).json();
		assertThat(resent.get("status").asString()).isIn("pending", "in_flight", "succeeded");
		JsonNode done = Await.value("the resend succeeds",
				() -> api.get("/api/v1/deliveries/" + before.get("id").asString()).json(),
				d -> d.get("status").asString().equals("succeeded"));
		assertThat(done.get("attemptLog")).extracting(a -> a.get("trigger").asString()).containsExactly("scheduled", "manual");

		JsonNode recovered = api.post("/api/v1/webhooks/" + id + "/recover", """
				{"since": "%s"}""".formatted(since)).json();
		assertThat(recovered.get("queued").asInt()).isEqualTo(2);
		Await.until("the recovered deliveries succeed", () -> count(id, "succeeded") == 3);
	}

	/**
	 * A recover of more failed deliveries than one slice takes commits them slice by slice (one statement over a
	 * million rows kept every claim stepping over its uncommitted entries for its whole length), queues each exactly
	 * once, and leaves alone what it was not asked for.
	 */
	@Test
	void recoversMoreThanASliceOfFailuresEachSliceCommittedOnItsOwn() {
		// One delivery a second, so that nearly all the recovered ones are still waiting when the recover answers.
		String id = endpoint("{\"rateLimitPerSecond\": 1, \"retrySchedule\": []}").at("/endpoint/id").asString();
		String other = endpoint("{\"retrySchedule\": []}").at("/endpoint/id").asString();
		receiver.setDispatcher(ok());
		Instant now = clock.instant();
		Instant since = now.minus(Duration.ofHours(1));
		int failed = 12_001;
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < failed; i++) {
			ids.add(io.handoff.platform.Ids.next("dlv"));
		}
		insertFailed(ids, id, now.minus(Duration.ofMinutes(10)), false);
		String before = io.handoff.platform.Ids.first("dlv", now.minus(Duration.ofHours(2)));
		insertFailed(List.of(before), id, now.minus(Duration.ofHours(2)), false);
		String test = io.handoff.platform.Ids.next("dlv");
		insertFailed(List.of(test), id, now.minus(Duration.ofMinutes(5)), true);
		String elsewhere = io.handoff.platform.Ids.next("dlv");
		insertFailed(List.of(elsewhere), other, now.minus(Duration.ofMinutes(5)), false);

		JsonNode recovered = api.post("/api/v1/webhooks/" + id + "/recover", """
				{"since": "%s"}""".formatted(since)).json();

		assertThat(recovered.get("queued").asInt()).isEqualTo(failed);
		// Rows keep the id of the transaction that last wrote them: those still waiting were queued by three
		// (5,000 + 5,000 + 2,001), not by one.
		assertThat(jdbc.sql("""
				SELECT count(DISTINCT xmin::text) FROM deliveries
				WHERE endpoint_id = :endpoint AND status = 'pending' AND manual""")
			.param("endpoint", id).query(Long.class).single()).isEqualTo(3);
		assertThat(jdbc.sql("SELECT count(*) FROM deliveries WHERE id = ANY (CAST(:ids AS text[])) AND manual AND status <> 'failed'")
			.param("ids", ids.toArray(String[]::new)).query(Long.class).single()).isEqualTo(failed);
		assertThat(jdbc.sql("SELECT count(*) FROM deliveries WHERE id IN (:ids) AND status = 'failed' AND NOT manual")
			.param("ids", List.of(before, test, elsewhere)).query(Long.class).single())
			.as("before the period, a test send and another endpoint's are not recovered").isEqualTo(3);
		// Not hours of one a second behind the other tests: the endpoint goes, and its deliveries with it.
		assertThat(api.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
	}

	private void insertFailed(List<String> ids, String endpointId, Instant at, boolean test) {
		jdbc.sql("""
				INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, chat_id, sequence, ordered, test,
				                        status, attempts, next_attempt_at, created_at, updated_at, completed_at)
				SELECT d.id, :workspace, :endpoint, 'evt_recover_' || d.n, 'chat.assigned', NULL, d.n, false, :test,
				       'failed', 1, NULL, :at, :at, :at
				FROM unnest(CAST(:ids AS text[])) WITH ORDINALITY AS d (id, n)""")
			.param("workspace", ws.id().value())
			.param("endpoint", endpointId)
			.param("test", test)
			.param("at", java.sql.Timestamp.from(at))
			.param("ids", ids.toArray(String[]::new))
			.update();
	}

	@Test
	void takesOverDeliveriesWhoseLeaseExpired() throws Exception {
		endpoint("{}");
		receiver.setDispatcher(ok());
		// A node claimed the delivery and died before sending it.
		transactions.executeWithoutResult(status -> {
			jdbc.sql("SELECT 1").query(Integer.class).single();
			assign(ws.john().id());
			jdbc.sql("""
					UPDATE deliveries SET lease_owner = 'dead-node',
					    lease_expires_at = now() + interval '1 second'
					WHERE workspace_id = :ws""").param("ws", ws.id().value()).update();
		});

		assertThat(receiver.takeRequest(10, TimeUnit.SECONDS)).isNotNull();
		JsonNode delivery = awaitDelivery("succeeded");
		assertThat(delivery.at("/attemptLog/0/node").asString()).isEqualTo("test-node");
	}

	/**
	 * A claim, a heartbeat and a give-back change no column any of the deliveries' indexes holds, so each is a
	 * heap-only update: no new index entry at all. When a claim set status = 'in_flight', every claimed row took an
	 * entry in each of the table's indexes (the claim's cost was mostly those writes).
	 */
	@Test
	void claimsRenewalsAndReleasesAreHeapOnlyUpdates() {
		endpoint("{}");
		transactions.executeWithoutResult(status -> {
			status.setRollbackOnly();
			// Made in this transaction, so the node's own dispatcher cannot see it.
			assign(ws.john().id());
			DeliveryId id = new DeliveryId(jdbc.sql("SELECT id FROM deliveries WHERE workspace_id = :ws")
				.param("ws", ws.id().value())
				.query(String.class)
				.single());
			long partition = jdbc.sql("SELECT tableoid::bigint FROM deliveries WHERE id = :id")
				.param("id", id.value())
				.query(Long.class)
				.single();
			Instant now = clock.instant();

			List<Deliveries.Claimed> claimed = deliveries.claim("probe-node", now, now.plusSeconds(12), 200, 4,
					java.util.Map.of());
			assertThat(claimed).extracting(Deliveries.Claimed::id).contains(id);
			List<DeliveryId> mine = claimed.stream().map(Deliveries.Claimed::id).toList();
			deliveries.renewLeases("probe-node", mine, now.plusSeconds(24));
			assertThat(deliveries.releaseHeld("probe-node", mine, now)).isEqualTo(mine.size());

			long updated = jdbc.sql("SELECT pg_stat_get_xact_tuples_updated(CAST(:oid AS oid))")
				.param("oid", partition)
				.query(Long.class)
				.single();
			long heapOnly = jdbc.sql("SELECT pg_stat_get_xact_tuples_hot_updated(CAST(:oid AS oid))")
				.param("oid", partition)
				.query(Long.class)
				.single();
			assertThat(updated).as("rows updated: claimed, renewed, given back").isGreaterThanOrEqualTo(3);
			assertThat(heapOnly).as("of them, heap-only updates").isEqualTo(updated);
		});
	}

	/** A delivery being sent shows as in_flight, is found by that filter and not by pending, then succeeds. */
	@Test
	void aDeliveryBeingSentShowsInFlight() throws Exception {
		String endpointId = endpoint("{}").at("/endpoint/id").asString();
		java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
		receiver.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
				answer.await(20, TimeUnit.SECONDS);
				return new MockResponse.Builder().code(200).build();
			}
		});
		assign(ws.john().id());

		JsonNode sending = Await.value("the delivery in flight",
				() -> api.get("/api/v1/deliveries?endpointId=" + endpointId + "&status=in_flight").json().at("/data/0"),
				d -> !d.isMissingNode());
		assertThat(sending.get("status").asString()).isEqualTo("in_flight");
		assertThat(sending.get("nextAttemptAt").isNull()).isTrue();
		assertThat(count(endpointId, "pending")).isZero();
		assertThat(api.post("/api/v1/deliveries/" + sending.get("id").asString() + "/resend", "{}").status())
			.as("a delivery being sent cannot be resent").isEqualTo(409);

		answer.countDown();
		awaitDelivery("succeeded");
		assertThat(count(endpointId, "in_flight")).isZero();
	}

	@Test
	void retentionDeletesOldLogsInBatches() {
		endpoint("{}");
		receiver.setDispatcher(ok());
		assign(ws.john().id());
		String old = awaitDelivery("succeeded").get("id").asString();
		clock.advance(Duration.ofDays(31));
		assign(ws.rahul().id());
		Await.until("the new delivery succeeds", () -> api.get("/api/v1/deliveries?status=succeeded").json().get("data").size() == 2);

		retention.run();

		assertThat(api.get("/api/v1/deliveries/" + old).status()).isEqualTo(404);
		assertThat(api.get("/api/v1/deliveries").json().get("data")).hasSize(1);
		assertThat(api.get("/api/v1/events").json().get("data")).hasSize(1);
		assertThat(jdbc.sql("SELECT count(*) FROM delivery_attempts WHERE delivery_id = :id").param("id", old)
			.query(Long.class).single()).isZero();
	}

	/** The hours that can no longer change are read once and kept; the live hour is read each time. */
	@Test
	void endpointHealthAddsTheLiveHourToTheSettledOnes() {
		EndpointId endpoint = new EndpointId(endpoint("{}").at("/endpoint/id").asString());
		Caller lead = new Caller(ws.id(), Caller.Kind.MEMBER, ws.anita().id().value(), "Anita Rao", true);
		receiver.setDispatcher(ok());
		assign(ws.john().id());
		awaitDelivery("succeeded");
		assertThat(deliveryService.health(lead, endpoint).attempts()).isEqualTo(1);

		clock.advance(Duration.ofHours(3));
		assertThat(deliveryService.health(lead, endpoint).attempts()).as("the first hour, now settled").isEqualTo(1);
		assign(ws.rahul().id());
		Await.until("the second attempt counts", () -> deliveryService.health(lead, endpoint).attempts() == 2);
		assertThat(deliveryService.health(lead, endpoint).hours()).filteredOn(h -> h.attempts() == 1).hasSize(2);
		assertThat(deliveryService.health(lead, endpoint).successRate()).isEqualTo(1.0);

		clock.advance(Duration.ofHours(22));
		assertThat(deliveryService.health(lead, endpoint).attempts()).as("the first hour is out of the day").isEqualTo(1);
	}

	@Test
	void theLogFiltersAndPages() {
		String a = endpoint("{}").at("/endpoint/id").asString();
		String b = endpoint("{\"eventTypes\": [\"chat.unassigned\"]}").at("/endpoint/id").asString();
		receiver.setDispatcher(ok());
		assign(ws.john().id());
		assign(ws.rahul().id());
		chats.unassign(ws.id(), ws.chat().id(), lead);
		Await.until("all delivered", () -> api.get("/api/v1/deliveries?status=succeeded").json().get("data").size() == 3);

		assertThat(api.get("/api/v1/deliveries?endpointId=" + b).json().get("data")).hasSize(1);
		assertThat(api.get("/api/v1/deliveries?eventType=chat.assigned").json().get("data")).hasSize(2);
		assertThat(api.get("/api/v1/deliveries?chatId=" + ws.chat().id()).json().get("data")).hasSize(3);
		assertThat(api.get("/api/v1/deliveries?status=failed").json().get("data")).isEmpty();
		assertThat(api.get("/api/v1/deliveries?until=2000-01-01T00:00:00Z").json().get("data")).isEmpty();
		JsonNode first = api.get("/api/v1/deliveries?limit=2").json();
		assertThat(first.get("hasMore").asBoolean()).isTrue();
		assertThat(api.get("/api/v1/deliveries?limit=2&after=" + first.get("nextCursor").asString()).json().get("data"))
			.hasSize(1);
		assertThat(api.get("/api/v1/deliveries?eventType=chat.nope").status()).isEqualTo(400);
		assertThat(api.get("/api/v1/deliveries?since=yesterday").status()).isEqualTo(400);

		Api other = fixtures.workspace().api();
		String delivery = first.at("/data/0/id").asString();
		assertThat(other.get("/api/v1/deliveries/" + delivery).status()).isEqualTo(404);
		assertThat(other.post("/api/v1/deliveries/" + delivery + "/resend", null).status()).isEqualTo(404);
		assertThat(other.get("/api/v1/deliveries?endpointId=" + a).status()).isEqualTo(404);
		assertThat(other.get("/api/v1/deliveries").json().get("data")).isEmpty();
	}

	@Test
	void exposesDeliveryMetrics() {
		endpoint("{}");
		receiver.setDispatcher(ok());
		assign(ws.john().id());
		awaitDelivery("succeeded");

		// Metrics span every workspace: the operator's token opens them, a workspace key does not.
		Api.Response anonymous = new Api(api.base(), null).get("/actuator/prometheus");
		assertThat(anonymous.status()).isEqualTo(401);
		assertThat(anonymous.contentType()).startsWith("application/problem+json");
		assertThat(api.get("/actuator/prometheus").status()).isEqualTo(401);
		String metrics = new Api(api.base(), "test-metrics-token").get("/actuator/prometheus").body();
		assertThat(metrics).contains("handoff_delivery_attempts_total{", "outcome=\"success\"",
				"handoff_delivery_attempt_duration_seconds_bucket{");
	}

	private JsonNode endpoint(String overrides) {
		JsonNode settings = Api.parse("""
				{"name": "Receiver", "url": "%s", "eventTypes": ["chat.assigned"]}""".formatted(receiver.url("/hook")));
		((tools.jackson.databind.node.ObjectNode) settings).setAll((tools.jackson.databind.node.ObjectNode) Api.parse(overrides));
		Api.Response created = api.post("/api/v1/webhooks", settings.toString());
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	private void assign(MemberId member) {
		chats.assign(ws.id(), ws.chat().id(), member, lead);
	}

	private JsonNode awaitDelivery(String status) {
		return awaitDelivery(d -> d.get("status").asString().equals(status));
	}

	private JsonNode awaitDelivery(java.util.function.Predicate<JsonNode> accept) {
		return Await.value("a delivery as expected", () -> {
			for (JsonNode d : api.get("/api/v1/deliveries").json().get("data")) {
				JsonNode full = api.get("/api/v1/deliveries/" + d.get("id").asString()).json();
				if (accept.test(full)) {
					return full;
				}
			}
			return null;
		}, d -> d != null);
	}

	private JsonNode awaitEvent(String type) {
		return Await.value("a " + type + " event", () -> api.get("/api/v1/events?type=" + type).json().at("/data/0"),
				e -> !e.isMissingNode());
	}

	private long inFlight() {
		return jdbc.sql("SELECT count(*) FROM deliveries WHERE workspace_id = :ws AND status = 'pending'"
				+ " AND lease_owner IS NOT NULL")
			.param("ws", ws.id().value())
			.query(Long.class)
			.single();
	}

	private long count(String endpointId, String status) {
		return api.get("/api/v1/deliveries?endpointId=" + endpointId + "&status=" + status).json().get("data").size();
	}

	private static void assertDueIn(JsonNode delivery, Duration delay) {
		Duration actual = Duration.between(lastAttemptAt(delivery), Instant.parse(delivery.get("nextAttemptAt").asString()));
		assertThat(actual).isBetween(delay.multipliedBy(8).dividedBy(10).minusMillis(50),
				delay.multipliedBy(12).dividedBy(10).plusMillis(50));
	}

	private static Instant lastAttemptAt(JsonNode delivery) {
		JsonNode log = delivery.get("attemptLog");
		JsonNode last = log.get(log.size() - 1);
		return Instant.parse(last.get("startedAt").asString()).plusMillis(last.get("durationMs").asLong());
	}

	private static Instant Timestamps(String iso) {
		return Instant.parse(iso);
	}

	private static Dispatcher ok() {
		return answering(200);
	}

	/** A receiver that answers every request with {@code status}. */
	private static Dispatcher answering(int status) {
		return new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return new MockResponse.Builder().code(status).build();
			}
		};
	}
}
