package io.handoff.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * A test against the whole application on a real port and a real PostgreSQL. All such tests share one application
 * context; each creates its own workspace, which is also what keeps them apart.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "handoff.demo=false", "handoff.data-dir=target/test-data",
				"handoff.secrets.key=dGVzdC1rZXktZm9yLWhhbmRvZmYtdGVzdHMtMzJieXQ=",
				"handoff.webhooks.allowed-networks=127.0.0.0/8,::1/128", "handoff.delivery.poll-interval=100ms",
				"handoff.delivery.lease-check-interval=200ms", "handoff.node-id=test-node",
				"handoff.http.connect-timeout=2s", "handoff.metrics.token=test-metrics-token", "handoff.webhooks.response-timeout=3s",
				"handoff.connectors.retry-base=5ms", "handoff.connectors.max-tries=10", "handoff.connectors.timeout=3s",
				"handoff.whatsapp.retry-base=20ms", "handoff.whatsapp.timeout=3s",
				"server.forward-headers-strategy=native" })
@Import(TestSupportConfiguration.class)
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
public @interface IntegrationTest {
}
