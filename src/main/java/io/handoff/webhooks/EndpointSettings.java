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
 */
public record EndpointSettings(String name, String url, List<String> businessNumbers, List<String> eventTypes,
		Map<String, String> headers, Auth auth, Endpoint.BodyFormat bodyFormat, Endpoint.Ordering ordering,
		Integer rateLimitPerSecond, Boolean retryOnTimeout) {

	/**
	 * @param password for Basic
	 * @param token for Bearer
	 */
	public record Auth(Endpoint.AuthType type, String username, String password, String token) {
	}
}
