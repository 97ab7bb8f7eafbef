package io.handoff.webhooks;

import java.util.List;
import java.util.Map;

/**
 * What a user sets on an endpoint. On update, a null component keeps the current value.
 *
 * @param businessNumbers business number ids or E.164 numbers; empty for all numbers, present and future
 * @param eventTypes event type names from the catalog
 * @param headers custom headers sent with every request; replaces all of them when given
 * @param auth how the receiver authenticates Handoff
 * @param retrySchedule delays between attempts ({@code 5s}, {@code 10m}, {@code 2h}); empty for no retries, absent
 *        for the default schedule
 */
public record EndpointSettings(String name, String url, List<String> businessNumbers, List<String> eventTypes,
		Map<String, String> headers, Auth auth, Endpoint.BodyFormat bodyFormat, Endpoint.Ordering ordering,
		Integer rateLimitPerSecond, Boolean retryOnTimeout, List<String> retrySchedule) {

	/**
	 * @param password for Basic
	 * @param token for Bearer
	 */
	public record Auth(Endpoint.AuthType type, String username, String password, String token) {
	}
}
