package io.handoff.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL server the integration tests use, reached over its JDBC URL exactly as an external database is: the
 * application's embedded mode is not involved. {@code HANDOFF_TEST_DATABASE_URL} points the tests at any other
 * PostgreSQL instead.
 */
public final class TestDatabase {

	private TestDatabase() {
	}

	public static String jdbcUrl() {
		String external = System.getenv("HANDOFF_TEST_DATABASE_URL");
		return external != null && !external.isBlank() ? external : Server.URL;
	}

	// Started once per test JVM, on first use, and stopped with it.
	private static final class Server {

		static final String URL = start();

		private static String start() {
			try {
				EmbeddedPostgres postgres = EmbeddedPostgres.builder()
					.setServerConfig("max_connections", "300")
					.start();
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						postgres.close();
					}
					catch (IOException e) {
						// The JVM is exiting; the server's directory is temporary.
					}
				}));
				return postgres.getJdbcUrl("postgres", "postgres");
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
	}
}
