package io.handoff.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code handoff.http.*}: how {@link GuardedHttp} keeps connections to the servers Handoff calls.
 *
 * @param connectTimeout the longest a connection may take to open
 * @param idleTimeout how long an unused connection is kept for reuse; below the idle timeouts common servers use
 *        (Node.js and Apache close after 5 s), so Handoff lets go of a connection before the server does
 * @param maxIdleConnections connections kept open for reuse, in all
 */
@ConfigurationProperties("handoff.http")
public record HttpProperties(@DefaultValue("5s") Duration connectTimeout, @DefaultValue("4s") Duration idleTimeout,
		@DefaultValue("512") int maxIdleConnections) {
}
