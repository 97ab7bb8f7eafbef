package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.handoff.platform.PageRequest;
import io.handoff.platform.WorkspaceId;
import io.handoff.support.QueryPlans;
import io.handoff.support.ScaleData;
import io.handoff.webhooks.EndpointId;

/**
 * Every filter of the delivery log reads its page from an index in the list's order, in a custom plan and in the
 * generic plan the driver's statements switch to after five runs: with catch-all filters, the generic plan read a
 * workspace's deliveries backwards, discarding every other chat's, to find one chat's few. On a database of 100,000
 * deliveries, each plan is run and may throw away at most a few hundred rows.
 */
class DeliveryListPlansIT {

	static final WorkspaceId WS = new WorkspaceId(ScaleData.WORKSPACE);
	static final EndpointId ENDPOINT = new EndpointId(ScaleData.endpoint(2));
	static final Instant DAY = Instant.now().minus(Duration.ofDays(20));

	static Stream<Arguments> filters() {
		Function<String, String> chat = x -> QueryPlans.value(
				"SELECT chat_id FROM deliveries WHERE endpoint_id = 'wh_SCALE2' ORDER BY id LIMIT 1 OFFSET 1000");
		return Stream.of(
				Arguments.of("all", filter(null, null, null, null, null, null), false),
				Arguments.of("endpoint", filter(ENDPOINT, null, null, null, null, null), false),
				Arguments.of("endpoint and chat", filter(ENDPOINT, null, null, chat.apply(""), null, null), false),
				Arguments.of("chat", filter(null, null, null, chat.apply(""), null, null), false),
				Arguments.of("endpoint and failed", filter(ENDPOINT, Delivery.Status.FAILED, null, null, null, null), false),
				Arguments.of("failed", filter(null, Delivery.Status.FAILED, null, null, null, null), false),
				Arguments.of("pending", filter(null, Delivery.Status.PENDING, null, null, null, null), false),
				// Being sent is pending under a lease (V21): the same index, the lease checked on the rows it finds.
				Arguments.of("in flight", filter(null, Delivery.Status.IN_FLIGHT, null, null, null, null), false),
				Arguments.of("endpoint and in flight", filter(ENDPOINT, Delivery.Status.IN_FLIGHT, null, null, null, null),
						false),
				Arguments.of("event type", filter(null, null, "chat.resolved", null, null, null), false),
				Arguments.of("endpoint and a day", filter(ENDPOINT, null, null, null, DAY, DAY.plus(Duration.ofDays(1))),
						false),
				Arguments.of("a day", filter(null, null, null, null, DAY, DAY.plus(Duration.ofDays(1))), false),
				// An event has one delivery per endpoint: those few are sorted, the one sort allowed.
				Arguments.of("event", new DeliveryService.Filter(null, null, null, null,
						QueryPlans.value("SELECT event_id FROM deliveries ORDER BY id LIMIT 1 OFFSET 5000"), null, null),
						true));
	}

	static DeliveryService.Filter filter(EndpointId endpoint, Delivery.Status status, String type, String chat,
			Instant since, Instant until) {
		return new DeliveryService.Filter(endpoint, status, type, chat, null, since, until);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("filters")
	void eachFilterReadsItsPageFromAnIndexInOrder(String name, DeliveryService.Filter filter, boolean maySort) {
		String middle = QueryPlans.value("SELECT id FROM deliveries ORDER BY id LIMIT 1 OFFSET 50000");
		for (PageRequest page : new PageRequest[] { new PageRequest(20, null), new PageRequest(20, middle) }) {
			QueryPlans.assertReadsItsPageFromAnIndex(Deliveries.listQuery(WS, filter, page), maySort);
		}
	}

	@Test
	void aPeriodIsReadAsARangeOfIds() {
		var query = Deliveries.listQuery(WS, filter(ENDPOINT, null, null, null, DAY, DAY.plus(Duration.ofDays(1))),
				new PageRequest(20, null));
		assertThat(QueryPlans.generic(query).text()).containsPattern("Index Cond.*id >= \\$\\d+");
	}
}
