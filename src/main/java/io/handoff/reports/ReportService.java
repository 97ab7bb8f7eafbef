package io.handoff.reports;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.handoff.inbox.BusinessNumberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.SqlValues;
import io.handoff.platform.WorkspaceId;

/**
 * Team performance for a period (whole days in the viewer's time zone) and optionally one number: per agent, chats
 * assigned by source, reassigned away, resolved, open now, and the medians of time from a chat's first message to
 * its first assignment, of first response and of resolution; the assignments of each day per agent. Read from the
 * aggregates {@link ReportRecorder} keeps (15-minute slots, one row per measured duration), never from the event
 * log. For Owners, Team Leads and workspace keys.
 */
@Service
public class ReportService {

	/** The longest period a report covers. */
	static final int MAX_DAYS = 366;

	private final JdbcClient jdbc;
	private final TeamService team;
	private final Clock clock;

	ReportService(JdbcClient jdbc, TeamService team, Clock clock) {
		this.jdbc = jdbc;
		this.team = team;
		this.clock = clock;
	}

	/** What to report on: days {@code from} to {@code to} (both included) in {@code zone}, on one number or all. */
	public record Period(LocalDate from, LocalDate to, ZoneId zone, BusinessNumberId businessNumberId) {

		public Instant start() {
			return from.atStartOfDay(zone).toInstant();
		}

		public Instant end() {
			return to.plusDays(1).atStartOfDay(zone).toInstant();
		}

		/**
		 * Reads a period as people and URLs give it: ISO dates (default the last 7 days, today included), an IANA
		 * zone (default UTC).
		 */
		public static Period parse(String from, String to, String zone, String businessNumberId, Clock clock) {
			ZoneId zoneId;
			try {
				zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.strip());
			}
			catch (DateTimeException e) {
				throw new HandoffException.InvalidInput("zone", "is not a time zone; use an IANA name such as Asia/Kolkata");
			}
			LocalDate today = LocalDate.ofInstant(clock.instant(), zoneId);
			LocalDate end = date("to", to, today);
			LocalDate start = date("from", from, end.minusDays(6));
			if (start.isAfter(end)) {
				throw new HandoffException.InvalidInput("from", "must be on or before to");
			}
			if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
				throw new HandoffException.InvalidInput("from", "the period can be at most " + MAX_DAYS + " days");
			}
			return new Period(start, end, zoneId,
					businessNumberId == null || businessNumberId.isBlank() ? null : new BusinessNumberId(businessNumberId.strip()));
		}

		private static LocalDate date(String field, String value, LocalDate otherwise) {
			if (value == null || value.isBlank()) {
				return otherwise;
			}
			try {
				return LocalDate.parse(value.strip());
			}
			catch (DateTimeParseException e) {
				throw new HandoffException.InvalidInput(field, "must be a date such as 2026-11-30");
			}
		}
	}

	/** Assignments to an agent by source. */
	public record Assigned(int total, int manual, int botWorkflow, int aiBot, int api) {
	}

	/**
	 * One agent's figures. Medians are in seconds (the mean of the two middle values for an even count), null when
	 * nothing was measured.
	 *
	 * @param memberId null for "nobody": chats resolved while unassigned
	 * @param removed the member has since been removed from the workspace
	 */
	public record AgentRow(String memberId, String name, String email, boolean removed, Assigned assigned,
			int reassignedAway, int resolved, int openNow, Double medianSecondsToFirstAssignment,
			Double medianFirstResponseSeconds, Double medianResolutionSeconds) {
	}

	/** Assignments to one agent on one day of the period. */
	public record DayCount(LocalDate date, String memberId, int assigned) {
	}

	public record AgentReport(LocalDate from, LocalDate to, String zone, Instant start, Instant end,
			String businessNumberId, List<AgentRow> agents, List<DayCount> daily) {
	}

	/**
	 * The report. The medians, its costliest part, are read on a virtual thread of their own while the counts are
	 * read here: statements of one report need no common snapshot (each reads figures that only grow).
	 */
	public AgentReport agents(Caller caller, Period period) {
		caller.requireManager();
		WorkspaceId workspace = caller.workspaceId();
		if (period.businessNumberId() != null) {
			team.number(workspace, period.businessNumberId(), "businessNumberId");
		}
		String number = period.businessNumberId() == null ? null : period.businessNumberId().value();
		Map<String, Map<String, Double>> medians;
		Map<String, int[]> counts;
		List<DayCount> daily;
		try (var background = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
			var reading = background.submit(() -> medians(workspace, period, number));
			counts = counts(workspace, period, number);
			daily = daily(workspace, period, number);
			medians = reading.get();
		}
		catch (java.util.concurrent.ExecutionException e) {
			throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading the report", e);
		}
		Map<String, Integer> open = new HashMap<>();
		jdbc.sql("""
				SELECT assignee_id, count(*) AS open FROM chats
				WHERE workspace_id = :workspace AND status = 'open' AND assignee_id IS NOT NULL
				  AND (CAST(:number AS text) IS NULL OR business_number_id = :number)
				GROUP BY assignee_id
				""")
			.param("workspace", workspace.value())
			.param("number", number)
			.query(rs -> {
				open.put(rs.getString("assignee_id"), rs.getInt("open"));
			});
		Map<String, String[]> people = new LinkedHashMap<>();
		jdbc.sql("SELECT id, name, email, deleted_at IS NOT NULL AS removed FROM members WHERE workspace_id = :workspace")
			.param("workspace", workspace.value())
			.query(rs -> {
				people.put(rs.getString("id"), new String[] { rs.getString("name"), rs.getString("email"),
						Boolean.toString(rs.getBoolean("removed")) });
			});
		List<AgentRow> rows = new ArrayList<>();
		java.util.Set<String> ids = new java.util.LinkedHashSet<>();
		people.forEach((id, p) -> {
			if (!Boolean.parseBoolean(p[2])) {
				ids.add(id);
			}
		});
		ids.addAll(counts.keySet());
		ids.addAll(medians.keySet());
		ids.addAll(open.keySet());
		for (String id : ids) {
			int[] c = counts.getOrDefault(id, new int[6]);
			Map<String, Double> m = medians.getOrDefault(id, Map.of());
			boolean nobody = id.isEmpty();
			if (nobody && c[5] == 0) {
				continue;
			}
			String[] p = people.getOrDefault(id, new String[] { "(unknown member)", null, "true" });
			rows.add(new AgentRow(nobody ? null : id, nobody ? "Nobody (unassigned)" : p[0], nobody ? null : p[1],
					!nobody && Boolean.parseBoolean(p[2]), new Assigned(c[0] + c[1] + c[2] + c[3], c[0], c[1], c[2], c[3]),
					c[4], c[5], open.getOrDefault(id, 0), nobody ? null : m.get("first_assignment"),
					nobody ? null : m.get("first_response"), m.get("resolution")));
		}
		rows.sort(Comparator.comparing((AgentRow r) -> r.memberId() == null)
			.thenComparing(Comparator.comparingInt((AgentRow r) -> r.assigned().total()).reversed())
			.thenComparing(AgentRow::name, String.CASE_INSENSITIVE_ORDER));
		return new AgentReport(period.from(), period.to(), period.zone().getId(), period.start(), period.end(), number,
				rows, daily);
	}

	/**
	 * Per member and metric, the median of the period's durations (seconds, to the millisecond): the UTC days wholly
	 * inside the period from their arrays in report_duration_days, the two partial days from report_durations' index.
	 * Each member's and metric's values are sorted on their own, never the whole period's by member.
	 */
	private Map<String, Map<String, Double>> medians(WorkspaceId workspace, Period period, String number) {
		Instant firstMidnight = LocalDate.ofInstant(period.start(), ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		Instant lastMidnight = LocalDate.ofInstant(period.end(), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
		Instant headEnd = period.end().isBefore(firstMidnight) ? period.end() : firstMidnight;
		Instant tailStart = lastMidnight.isAfter(headEnd) ? lastMidnight : headEnd;
		// Built for the filters given, so that a generic plan has no catch-all condition to carry.
		String days = number == null ? "" : " AND r.business_number_id = :number";
		String edges = number == null ? "" : " AND d.business_number_id = :number";
		Map<String, Map<String, Double>> medians = new HashMap<>();
		var statement = jdbc.sql("""
				SELECT g.member_id, v.metric, m.median
				FROM (SELECT id AS member_id FROM members WHERE workspace_id = :workspace UNION ALL SELECT '') g
				CROSS JOIN (VALUES ('first_assignment'), ('first_response'), ('resolution')) AS v(metric)
				CROSS JOIN LATERAL (
				    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x.seconds) AS median
				    FROM (SELECT unnest(r.seconds) AS seconds FROM report_duration_days r
				          WHERE r.workspace_id = :workspace AND r.metric = v.metric AND r.member_id = g.member_id
				            AND r.day > :firstDay AND r.day < :lastDay%s
				          UNION ALL
				          SELECT d.seconds FROM report_durations d
				          WHERE d.workspace_id = :workspace AND d.metric = v.metric AND d.member_id = g.member_id
				            AND d.at >= :start AND d.at < :headEnd%s
				          UNION ALL
				          SELECT d.seconds FROM report_durations d
				          WHERE d.workspace_id = :workspace AND d.metric = v.metric AND d.member_id = g.member_id
				            AND d.at >= :tailStart AND d.at < :end%s) x) m
				WHERE m.median IS NOT NULL
				""".formatted(days, edges, edges))
			.param("workspace", workspace.value())
			.param("firstDay", LocalDate.ofInstant(period.start(), ZoneOffset.UTC))
			.param("lastDay", LocalDate.ofInstant(period.end(), ZoneOffset.UTC))
			.param("start", SqlValues.timestamp(period.start()))
			.param("headEnd", SqlValues.timestamp(headEnd))
			.param("tailStart", SqlValues.timestamp(tailStart))
			.param("end", SqlValues.timestamp(period.end()));
		if (number != null) {
			statement = statement.param("number", number);
		}
		statement.query(rs -> {
			medians.computeIfAbsent(rs.getString("member_id"), m -> new HashMap<>())
				.put(rs.getString("metric"), Math.round(rs.getDouble("median") * 1000) / 1000.0);
		});
		return medians;
	}

	private static final String[] COUNTERS = { "assigned_manual", "assigned_bot_workflow", "assigned_ai_bot",
			"assigned_api", "reassigned_away", "resolved" };

	/**
	 * Each member's counters over the period: the totals of the UTC days wholly inside it, and the slots of the two
	 * days it starts and ends in.
	 */
	private Map<String, int[]> counts(WorkspaceId workspace, Period period, String number) {
		LocalDate firstDay = LocalDate.ofInstant(period.start(), ZoneOffset.UTC);
		LocalDate lastDay = LocalDate.ofInstant(period.end(), ZoneOffset.UTC);
		StringBuilder select = new StringBuilder("SELECT member_id");
		for (String counter : COUNTERS) {
			// Running totals: slots lo..hi are element hi minus element lo - 1 (element 0 is none, so null: 0).
			select.append(",\n sum(CASE WHEN day > :firstDay AND day < :lastDay THEN ").append(counter)
				.append(" ELSE coalesce(").append(counter).append("_slots[CASE WHEN day = :lastDay THEN :lastSlot ELSE 96 END], 0) - coalesce(")
				.append(counter).append("_slots[CASE WHEN day = :firstDay THEN :firstSlot - 1 ELSE 0 END], 0) END) AS ")
				.append(counter);
		}
		Map<String, int[]> counts = new HashMap<>();
		jdbc.sql(select + """

				FROM report_days
				WHERE workspace_id = :workspace AND day >= :firstDay AND day <= :lastDay
				  AND (CAST(:number AS text) IS NULL OR business_number_id = :number)
				GROUP BY member_id
				""")
			.param("workspace", workspace.value())
			.param("firstDay", firstDay)
			.param("lastDay", lastDay)
			.param("firstSlot", slotOf(period.start()) + 1)
			.param("lastSlot", slotOf(period.end()))
			.param("number", number)
			.query(rs -> {
				int[] c = new int[COUNTERS.length];
				for (int i = 0; i < COUNTERS.length; i++) {
					c[i] = rs.getInt(COUNTERS[i]);
				}
				counts.put(rs.getString("member_id"), c);
			});
		return counts;
	}

	/** Slots of its UTC day before {@code at}. */
	private static int slotOf(Instant at) {
		LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
		return (int) (java.time.Duration.between(day.atStartOfDay(ZoneOffset.UTC).toInstant(), at).getSeconds() / 900);
	}

	/**
	 * Assignments per member and day of the viewer's zone: each UTC day's slots before the zone's next midnight
	 * belong to one local day, the rest to the next.
	 */
	private List<DayCount> daily(WorkspaceId workspace, Period period, String number) {
		Map<String, Integer> byDay = new TreeMap<>();
		LocalDate firstDay = LocalDate.ofInstant(period.start(), ZoneOffset.UTC);
		LocalDate lastDay = LocalDate.ofInstant(period.end(), ZoneOffset.UTC);
		// Per UTC day: the viewer's date at its start, and how many of its slots come before the viewer's next
		// midnight (96: none, the whole day is one date of theirs).
		List<String> days = new ArrayList<>();
		List<String> localDays = new ArrayList<>();
		List<String> splits = new ArrayList<>();
		for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
			Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
			LocalDate local = LocalDate.ofInstant(start, period.zone());
			Instant midnight = local.plusDays(1).atStartOfDay(period.zone()).toInstant();
			days.add(day.toString());
			localDays.add(local.toString());
			splits.add(Long.toString(Math.min(96, java.time.Duration.between(start, midnight).getSeconds() / 900)));
		}
		jdbc.sql("""
				WITH d AS (
				    SELECT r.member_id, s.local_day, s.split, r.assigned_slots,
				           r.assigned_manual + r.assigned_bot_workflow + r.assigned_ai_bot + r.assigned_api AS total
				    FROM report_days r
				    JOIN unnest(CAST(:days AS date[]), CAST(:localDays AS date[]), CAST(:splits AS integer[]))
				         AS s(day, local_day, split) ON s.day = r.day
				    WHERE r.workspace_id = :workspace AND r.day >= :firstDay AND r.day <= :lastDay
				      AND (CAST(:number AS text) IS NULL OR r.business_number_id = :number)
				      AND r.assigned_manual + r.assigned_bot_workflow + r.assigned_ai_bot + r.assigned_api > 0)
				SELECT member_id, local_day, sum(CASE WHEN split >= 96 THEN total ELSE assigned_slots[split] END) AS assigned
				FROM d GROUP BY member_id, local_day
				UNION ALL
				SELECT member_id, local_day + 1, sum(total - assigned_slots[split])
				FROM d WHERE split < 96 GROUP BY member_id, local_day
				""")
			.param("workspace", workspace.value())
			.param("days", "{" + String.join(",", days) + "}")
			.param("localDays", "{" + String.join(",", localDays) + "}")
			.param("splits", "{" + String.join(",", splits) + "}")
			.param("firstDay", firstDay)
			.param("lastDay", lastDay)
			.param("number", number)
			.query(rs -> {
				add(byDay, period, rs.getObject("local_day", LocalDate.class), rs.getString("member_id"),
						rs.getInt("assigned"));
			});
		List<DayCount> daily = new ArrayList<>();
		byDay.forEach((key, assigned) -> {
			String[] parts = key.split(" ", 2);
			daily.add(new DayCount(LocalDate.parse(parts[0]), parts[1].isEmpty() ? null : parts[1], assigned));
		});
		return daily;
	}

	private static void add(Map<String, Integer> byDay, Period period, LocalDate day, String member, int assigned) {
		if (assigned > 0 && !day.isBefore(period.from()) && !day.isAfter(period.to())) {
			byDay.merge(day + " " + member, assigned, Integer::sum);
		}
	}

	/** One assignment change for the live feed, with names as the event recorded them. */
	public record FeedEntry(Instant at, String chatId, String customer, String to, String from, String source,
			String actor, String number) {
	}

	/** The latest assignment changes, newest first. */
	public List<FeedEntry> feed(Caller caller, int limit) {
		caller.requireManager();
		return jdbc.sql("""
				SELECT h.occurred_at, h.chat_id, coalesce(cu.name, cu.phone) AS customer, t.name AS to_name,
				       f.name AS from_name, h.source, h.actor_name, b.display_name AS number
				FROM assignment_history h
				JOIN chats c ON c.id = h.chat_id
				JOIN customers cu ON cu.id = c.customer_id
				JOIN business_numbers b ON b.id = c.business_number_id
				LEFT JOIN members t ON t.id = h.to_member_id
				LEFT JOIN members f ON f.id = h.from_member_id
				WHERE h.workspace_id = :workspace
				ORDER BY h.occurred_at DESC, h.id DESC LIMIT :limit
				""")
			.param("workspace", caller.workspaceId().value())
			.param("limit", Math.max(1, Math.min(limit, 100)))
			.query((rs, n) -> new FeedEntry(SqlValues.instant(rs, "occurred_at"), rs.getString("chat_id"),
					rs.getString("customer"), rs.getString("to_name"), rs.getString("from_name"), rs.getString("source"),
					rs.getString("actor_name"), rs.getString("number")))
			.list();
	}

	/** The report as a CSV file to download, named after its period. */
	public static org.springframework.http.ResponseEntity<String> csvDownload(AgentReport report) {
		return org.springframework.http.ResponseEntity.ok()
			.contentType(new org.springframework.http.MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
			.header(org.springframework.http.HttpHeaders.CONTENT_DISPOSITION, org.springframework.http.ContentDisposition
				.attachment().filename("handoff-agents-" + report.from() + "-to-" + report.to() + ".csv").build().toString())
			.body(csv(report));
	}

	/** The report as CSV, one row per agent; a cell that a spreadsheet would run as a formula is quoted as text. */
	public static String csv(AgentReport report) {
		StringBuilder out = new StringBuilder(
				"agent,email,assigned,assigned_manual,assigned_bot_workflow,assigned_ai_bot,assigned_api,reassigned_away,"
						+ "resolved,open_now,median_seconds_to_first_assignment,median_first_response_seconds,"
						+ "median_resolution_seconds,period_from,period_to,time_zone\r\n");
		for (AgentRow r : report.agents()) {
			out.append(cell(r.name() + (r.removed() ? " (removed)" : ""))).append(',').append(cell(r.email())).append(',')
				.append(r.assigned().total()).append(',').append(r.assigned().manual()).append(',')
				.append(r.assigned().botWorkflow()).append(',').append(r.assigned().aiBot()).append(',')
				.append(r.assigned().api()).append(',').append(r.reassignedAway()).append(',').append(r.resolved())
				.append(',').append(r.openNow()).append(',').append(number(r.medianSecondsToFirstAssignment())).append(',')
				.append(number(r.medianFirstResponseSeconds())).append(',').append(number(r.medianResolutionSeconds()))
				.append(',').append(report.from()).append(',').append(report.to()).append(',').append(report.zone())
				.append("\r\n");
		}
		return out.toString();
	}

	private static String number(Double value) {
		return value == null ? "" : value == Math.rint(value) ? Long.toString(value.longValue()) : value.toString();
	}

	private static String cell(String value) {
		if (value == null) {
			return "";
		}
		String v = value;
		if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
			v = "'" + v;
		}
		if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
			return "\"" + v.replace("\"", "\"\"") + "\"";
		}
		return v;
	}

	/** The days of the period, in order, for charts. */
	public static List<LocalDate> days(AgentReport report) {
		List<LocalDate> days = new ArrayList<>();
		for (LocalDate d = report.from(); !d.isAfter(report.to()); d = d.plusDays(1)) {
			days.add(d);
		}
		return days;
	}

	/** Assignments per day and member, for charts. */
	public static Map<LocalDate, Map<String, Integer>> byDay(AgentReport report) {
		Map<LocalDate, Map<String, Integer>> byDay = new TreeMap<>();
		for (DayCount d : report.daily()) {
			byDay.computeIfAbsent(d.date(), k -> new HashMap<>()).merge(d.memberId() == null ? "" : d.memberId(),
					d.assigned(), Integer::sum);
		}
		return byDay;
	}
}
