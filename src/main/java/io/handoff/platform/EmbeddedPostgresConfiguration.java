package io.handoff.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Starts a real PostgreSQL server inside the application when no JDBC URL is configured, with its data under
 * {@code handoff.data-dir}, so that running Handoff needs nothing installed. Set {@code HANDOFF_DATABASE_URL} (or
 * {@code spring.datasource.url}) to use an external server instead.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDatabaseUrl.class)
class EmbeddedPostgresConfiguration {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(HandoffProperties properties) throws IOException {
		Path dataDirectory = properties.dataDir().resolve("postgres").toAbsolutePath().normalize();
		Files.createDirectories(dataDirectory);
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			// The builder turns both off for speed; an acknowledged assignment must survive a power cut.
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.setServerConfig("full_page_writes", "on")
			.start();
		log.info("Embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), dataDirectory);
		return postgres;
	}

	@Bean
	DataSource dataSource(EmbeddedPostgres postgres) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setPoolName("handoff");
		dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		dataSource.setMaximumPoolSize(20);
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
