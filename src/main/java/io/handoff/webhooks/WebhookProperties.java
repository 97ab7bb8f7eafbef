package io.handoff.webhooks;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.webhooks.*}.
 *
 * @param allowedNetworks CIDR ranges that endpoints may reach although the URL guard would refuse them (loopback or
 *        private networks for local development and tests), e.g. {@code 127.0.0.0/8,::1/128}
 * @param responseTimeout how long a whole request may take, from connecting to the end of the response
 * @param secretRotationOverlap how long a rotated-out secret keeps signing alongside the new one
 * @param responseExcerptBytes how much of a receiver's response body is kept
 */
@ConfigurationProperties("handoff.webhooks")
public record WebhookProperties(@DefaultValue List<String> allowedNetworks,
		@DefaultValue("15s") Duration responseTimeout,
		@DefaultValue("24h") Duration secretRotationOverlap, @DefaultValue("16384") int responseExcerptBytes) {
}
