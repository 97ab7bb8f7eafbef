package io.handoff.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts a real PostgreSQL server beside the application when no JDBC URL is configured ({@link LocalPostgres}), with
 * its data and generated password under {@code handoff.data-dir}, so that running Handoff needs nothing installed. Set
 * {@code HANDOFF_DATABASE_URL} (or {@code spring.datasource.url}) to use an external server instead.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatabaseUrl.class)
class EmbeddedPostgresConfiguration {

	@Bean(destroyMethod = "close")
	LocalPostgres embeddedPostgres(HandoffProperties properties, ConfigurableApplicationContext context,
			@Value("${handoff.embedded-postgres.restart-delay:500ms}") Duration restartDelay,
			@Value("${handoff.embedded-postgres.max-restarts:5}") int maxRestarts) {
		Path home = properties.dataDir().toAbsolutePath().normalize();
		Map<String, String> settings = new LinkedHashMap<>();
		// An acknowledged assignment must survive a power cut.
		settings.put("fsync", "on");
		settings.put("synchronous_commit", "on");
		settings.put("full_page_writes", "on");
		settings.put("timezone", "UTC");
		settings.put("max_connections", "300");
		return LocalPostgres.start(home, Path.of(System.getProperty("java.io.tmpdir"), "handoff-postgres"), settings,
				Duration.ofSeconds(60), maxRestarts, restartDelay, () -> giveUp(context));
	}

	/**
	 * The watchdog could not bring PostgreSQL back: the node says it is broken (liveness DOWN) and exits, so that
	 * systemd, Kubernetes or Docker restarts it, which recovers the data directory from scratch.
	 */
	private static void giveUp(ConfigurableApplicationContext context) {
		AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
		Thread.ofPlatform().name("handoff-exit").start(() -> System.exit(SpringApplication.exit(context, () -> 70)));
	}

	@Bean
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(LocalPostgres postgres) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setPoolName("handoff");
		dataSource.setJdbcUrl(postgres.jdbcUrl());
		dataSource.setUsername(LocalPostgres.USER);
		dataSource.setPassword(postgres.password());
		return dataSource;
	}

	static class NoDatabaseUrl extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String url = context.getEnvironment().getProperty("spring.datasource.url");
			return StringUtils.hasText(url) ? ConditionOutcome.noMatch("spring.datasource.url is set")
					: ConditionOutcome.match("no spring.datasource.url: using embedded PostgreSQL");
		}
	}
}
