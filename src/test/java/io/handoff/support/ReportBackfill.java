package io.handoff.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The statements with which the reports migration builds the report tables from the history already there. */
public final class ReportBackfill {

	private ReportBackfill() {
	}

	public static List<String> statements() {
		try (var in = ReportBackfill.class.getResourceAsStream("/db/migration/V15__reports.sql")) {
			String migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			String backfill = migration.substring(migration.indexOf("-- The history there is already"));
			List<String> statements = new ArrayList<>();
			for (String statement : backfill.split(";\\s*\\n")) {
				String sql = statement.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
				if (!sql.isBlank()) {
					statements.add(sql);
				}
			}
			return statements;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
