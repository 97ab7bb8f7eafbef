package io.handoff.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** A new, empty database on the test server, for tests that start Handoff nodes of their own. */
public final class FreshDatabase {

	private FreshDatabase() {
	}

	/** Creates the database and answers its JDBC URL. */
	public static String create(String prefix) {
		String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)).toLowerCase(Locale.ROOT);
		String url = TestDatabase.jdbcUrl();
		try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException e) {
			throw new IllegalStateException("cannot create a test database", e);
		}
		return url.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
	}
}
