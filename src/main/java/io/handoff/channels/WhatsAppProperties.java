package io.handoff.channels;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.whatsapp.*}: sending replies over the WhatsApp Cloud API.
 *
 * @param timeout the longest one call to the Graph API may take
 * @param maxTries tries of one message when WhatsApp fails transiently (5xx, rate limits, refused connections)
 * @param retryBase the wait before the second try; it doubles for each further try (±20%)
 * @param templatesFor how long a number's approved templates are kept before they are fetched again
 */
@ConfigurationProperties("handoff.whatsapp")
public record WhatsAppProperties(@DefaultValue("15s") Duration timeout, @DefaultValue("5") int maxTries,
		@DefaultValue("2s") Duration retryBase, @DefaultValue("10m") Duration templatesFor) {
}
