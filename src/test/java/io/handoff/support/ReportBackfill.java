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
		List<String> statements = new ArrayList<>();
		for (String migration : List.of("V15__reports.sql", "V17__report_duration_days.sql")) {
			statements.addAll(backfill(migration));
		}
		return statements;
	}

	/** The tables the statements fill, to empty first. */
	public static final String TABLES = "report_days, report_durations, report_duration_days, report_chats";

	private static List<String> backfill(String migration) {
		try (var in = ReportBackfill.class.getResourceAsStream("/db/migration/" + migration)) {
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			String backfill = text.substring(text.indexOf("-- The history there is already"));
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
