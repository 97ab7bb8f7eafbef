package io.handoff.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.handoff.webhooks.WebhookSender;

class WindowsTest {

	final Windows windows = new Windows(new DeliveryProperties(true, List.of(), 0.2, java.time.Duration.ofHours(1),
			java.time.Duration.ofDays(5), 200, 16, 4, 2000, java.time.Duration.ofSeconds(12),
			java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(4), java.time.Duration.ofDays(30), 1000,
			java.time.Duration.ofHours(1)));

	@Test
	void startsSmallAndGrowsOnSuccessUpToTheLimit() {
		assertThat(windows.of("ep_a")).isEqualTo(4);
		// One more request per window's worth of successes.
		for (int i = 0; i < 4; i++) {
			windows.record("ep_a", outcome(WebhookSender.OutcomeKind.SUCCESS, 200));
		}
		assertThat(windows.of("ep_a")).isEqualTo(4);
		windows.record("ep_a", outcome(WebhookSender.OutcomeKind.SUCCESS, 200));
		assertThat(windows.of("ep_a")).isEqualTo(5);
		for (int i = 0; i < 500; i++) {
			windows.record("ep_a", outcome(WebhookSender.OutcomeKind.SUCCESS, 200));
		}
		assertThat(windows.of("ep_a")).isEqualTo(16);
		assertThat(windows.all()).isEqualTo(Map.of("ep_a", 16));
	}

	@Test
	void halvesOnSignsOfOverloadButNotBelowOne() {
		for (int i = 0; i < 500; i++) {
			windows.record("ep_b", outcome(WebhookSender.OutcomeKind.SUCCESS, 200));
		}
		windows.record("ep_b", outcome(WebhookSender.OutcomeKind.HTTP_ERROR, 429));
		assertThat(windows.of("ep_b")).isEqualTo(8);
		windows.record("ep_b", outcome(WebhookSender.OutcomeKind.HTTP_ERROR, 503));
		windows.record("ep_b", outcome(WebhookSender.OutcomeKind.TIMEOUT, null));
		assertThat(windows.of("ep_b")).isEqualTo(2);
		windows.record("ep_b", outcome(WebhookSender.OutcomeKind.CONNECTION_RESET, null));
		windows.record("ep_b", outcome(WebhookSender.OutcomeKind.CONNECTION_RESET, null));
		assertThat(windows.of("ep_b")).isEqualTo(1);
	}

	@Test
	void otherFailuresLeaveTheWindowAlone() {
		windows.record("ep_c", outcome(WebhookSender.OutcomeKind.HTTP_ERROR, 500));
		windows.record("ep_c", outcome(WebhookSender.OutcomeKind.HTTP_ERROR, 404));
		windows.record("ep_c", outcome(WebhookSender.OutcomeKind.CONNECTION_REFUSED, null));
		assertThat(windows.of("ep_c")).isEqualTo(4);
	}

	private static WebhookSender.Outcome outcome(WebhookSender.OutcomeKind kind, Integer status) {
		return new WebhookSender.Outcome(kind, status, 5, Map.of(), null, null, null);
	}
}
