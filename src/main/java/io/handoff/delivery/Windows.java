package io.handoff.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.handoff.webhooks.WebhookSender;

/**
 * How many requests this node keeps in flight to each endpoint: additive increase, multiplicative decrease, as TCP
 * does with its congestion window. An endpoint starts with a small window; every success widens it by one request
 * per window's worth of successes, up to the configured limit; a timeout, a reset, a 429 or a 503 halves it. A
 * receiver that struggles is given room to recover instead of more requests to refuse, and a healthy one is soon
 * driven at the full limit.
 */
@Component
class Windows {

	private final int limit;
	private final int initial;
	private final Map<String, Double> windows = new ConcurrentHashMap<>();

	Windows(DeliveryProperties properties) {
		this.limit = properties.perEndpointConcurrency();
		this.initial = Math.min(limit, Math.max(1, properties.initialWindow()));
	}

	/** The endpoint's window now, in whole requests (at least one). */
	int of(String endpointId) {
		Double window = windows.get(endpointId);
		return window == null ? initial : (int) Math.floor(window);
	}

	/** The most any window grows to. */
	int limit() {
		return limit;
	}

	/** The window of an endpoint this node has not sent to yet. */
	int initial() {
		return initial;
	}

	/** The windows of every endpoint this node has sent to. */
	Map<String, Integer> all() {
		Map<String, Integer> all = new java.util.HashMap<>();
		windows.forEach((endpoint, window) -> all.put(endpoint, (int) Math.floor(window)));
		return all;
	}

	/** Adjusts the endpoint's window after a try. */
	void record(String endpointId, WebhookSender.Outcome outcome) {
		if (overloaded(outcome)) {
			windows.compute(endpointId, (id, window) -> Math.max(1.0, (window == null ? initial : window) / 2));
		}
		else if (outcome.succeeded()) {
			windows.compute(endpointId, (id, window) -> {
				double now = window == null ? (double) initial : window;
				return Math.min(limit, now + 1 / now);
			});
		}
	}

	/** Whether the outcome says the receiver has more than it can take. */
	static boolean overloaded(WebhookSender.Outcome outcome) {
		return switch (outcome.kind()) {
			case TIMEOUT, CONNECTION_RESET -> true;
			case HTTP_ERROR -> outcome.status() == 429 || outcome.status() == 503;
			default -> false;
		};
	}
}
