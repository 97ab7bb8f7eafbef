package io.handoff.connectors;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.connectors.*}.
 *
 * @param timeout the longest one request may take, unless a step sets its own
 * @param maxTries tries of one call when it fails transiently (429, 5xx, timeouts, resets), the first included
 * @param retryBase the wait before the second try; it doubles for each further try (±20%)
 * @param retryAfterCap the longest {@code Retry-After} honoured within a run; a longer one fails the try for good
 * @param hubspotBaseUrl HubSpot's API, unless a connection names its own
 * @param zohoBaseUrl Zoho CRM's API (the data centre of the account: .com, .eu, .in, .com.au, .jp, .ca)
 * @param googleSheetsBaseUrl the Google Sheets API
 */
@ConfigurationProperties("handoff.connectors")
public record ConnectorProperties(@DefaultValue("15s") Duration timeout,
		@DefaultValue("4") int maxTries, @DefaultValue("500ms") Duration retryBase,
		@DefaultValue("30s") Duration retryAfterCap, @DefaultValue("https://api.hubapi.com") String hubspotBaseUrl,
		@DefaultValue("https://www.zohoapis.com") String zohoBaseUrl,
		@DefaultValue("https://sheets.googleapis.com") String googleSheetsBaseUrl) {
}
