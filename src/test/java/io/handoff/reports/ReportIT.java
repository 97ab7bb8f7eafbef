package io.handoff.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.Member;
import io.handoff.inbox.MessageService;
import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;

/**
 * The report against the event log: a generated history (customers writing, assignments from every source,
 * reassignments, replies, resolves and reopens, some across midnight in the viewer's zone, which is not UTC's) is
 * read back from {@code GET /api/v1/events}, the chats and their messages, every figure is computed from that by
 * hand, and the report must say exactly the same for each period and number.
 */
@IntegrationTest
class ReportIT {

	static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	CustomerService customers;

	@Autowired
	MessageService messages;

	@Autowired
	MutableClock clock;

	Fixtures.Workspace ws;

	Api api;

	/** Each chat's first customer message, as generated. */
	Map<String, Instant> firstMessage = new HashMap<>();

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
	}

	@AfterEach
	void tearDown() {
		clock.reset();
	}

	@Test
	void everyFigureMatchesTheEventLog() {
		LocalDate day1 = LocalDate.now(ZONE).plusDays(3);
		moveTo(day1.atTime(LocalTime.of(20, 0)).atZone(ZONE).toInstant());
		List<Member> agents = List.of(ws.anita(), ws.john(), ws.rahul());
		List<ChatService.Origin> origins = List.of(ChatService.Origin.manual(ws.anita().id(), "Anita Rao"),
				ChatService.Origin.botWorkflow("bot_01", "Router"), ChatService.Origin.aiBot("bot_02", "Triage"),
				ChatService.Origin.api("key_01", "CRM"));
		Random random = new Random(20261201);
		List<io.handoff.inbox.ChatId> open = new ArrayList<>();
		// Eight hours around midnight in Kolkata (18:30 UTC), every few minutes something happens.
		for (int step = 0; step < 120; step++) {
			clock.advance(Duration.ofSeconds(60 + random.nextInt(240)));
			int what = random.nextInt(10);
			if (open.isEmpty() || what < 3) {
				open.add(newChat(step, random.nextBoolean() ? ws.support() : ws.sales()).id());
				continue;
			}
			Chat chat = chats.get(ws.id(), open.get(random.nextInt(open.size())), "id");
			if (what < 7) {
				Member to = chat.businessNumberId().equals(ws.sales().id()) ? ws.rahul() : agents.get(random.nextInt(3));
				chats.assign(ws.id(), chat.id(), to.id(), origins.get(random.nextInt(origins.size())));
			}
			else if (what == 7 && chat.assigneeId() != null) {
				messages.queueOutbound(ws.id(), chat.id(), new MessageService.Outbound("text", "On it", null,
						new MessageService.Author("member", chat.assigneeId().value(), "agent"), null, "not_sent", "test"));
			}
			else if (what == 8) {
				chats.changeStatus(ws.id(), chat.id(), Chat.Status.CLOSED, origins.getFirst());
				open.remove(chat.id());
				if (random.nextBoolean()) {
					clock.advance(Duration.ofSeconds(30));
					chats.changeStatus(ws.id(), chat.id(), Chat.Status.OPEN, origins.getFirst());
					open.add(chat.id());
				}
			}
			else if (chat.assigneeId() != null && random.nextBoolean()) {
				chats.unassign(ws.id(), chat.id(), origins.getFirst());
			}
		}
		Instant lastAt = clock.instant();
		assertThat(LocalDate.ofInstant(lastAt, ZONE)).as("the history crosses midnight in Kolkata").isAfter(day1);

		List<JsonNode> events = events();
		assertThat(events.stream().filter(e -> e.get("type").asString().equals("chat.resolved")).count()).isPositive();
		for (String[] period : List.of(new String[] { day1.toString(), day1.toString(), null },
				new String[] { day1.plusDays(1).toString(), day1.plusDays(1).toString(), null },
				new String[] { day1.toString(), day1.plusDays(1).toString(), null },
				new String[] { day1.toString(), day1.plusDays(1).toString(), ws.support().id().value() })) {
			JsonNode report = api.get("/api/v1/reports/agents?from=" + period[0] + "&to=" + period[1] + "&zone=Asia/Kolkata"
					+ (period[2] == null ? "" : "&businessNumberId=" + period[2])).json();
			Instant start = LocalDate.parse(period[0]).atStartOfDay(ZONE).toInstant();
			Instant end = LocalDate.parse(period[1]).plusDays(1).atStartOfDay(ZONE).toInstant();
			assertThat(report.get("start").asString()).isEqualTo(start.toString());
			Map<String, Map<String, Object>> expected = byHand(events, start, end, period[2]);
			for (Member agent : agents) {
				JsonNode row = row(report, agent.id().value());
				Map<String, Object> mine = expected.getOrDefault(agent.id().value(), Map.of());
				String what = agent.name() + " " + period[0] + ".." + period[1] + " " + period[2];
				assertThat(row.at("/assigned/total").asInt()).as(what + " assigned").isEqualTo(mine.getOrDefault("assigned", 0));
				assertThat(row.at("/assigned/manual").asInt()).as(what + " manual").isEqualTo(mine.getOrDefault("manual", 0));
				assertThat(row.at("/assigned/botWorkflow").asInt()).as(what + " bot").isEqualTo(mine.getOrDefault("bot_workflow", 0));
				assertThat(row.at("/assigned/aiBot").asInt()).as(what + " ai").isEqualTo(mine.getOrDefault("ai_bot", 0));
				assertThat(row.at("/assigned/api").asInt()).as(what + " api").isEqualTo(mine.getOrDefault("api", 0));
				assertThat(row.get("reassignedAway").asInt()).as(what + " away").isEqualTo(mine.getOrDefault("away", 0));
				assertThat(row.get("resolved").asInt()).as(what + " resolved").isEqualTo(mine.getOrDefault("resolved", 0));
				assertThat(row.get("openNow").asInt()).as(what + " open").isEqualTo(openNow(agent, period[2]));
				sameSeconds(nullable(row.get("medianSecondsToFirstAssignment")), (Double) mine.get("firstAssignment"), what + " to first assignment");
				sameSeconds(nullable(row.get("medianFirstResponseSeconds")), (Double) mine.get("firstResponse"), what + " first response");
				sameSeconds(nullable(row.get("medianResolutionSeconds")), (Double) mine.get("resolution"), what + " resolution");
			}
			Map<String, Integer> daily = new TreeMap<>();
			report.get("daily").forEach(d -> daily.put(d.get("date").asString() + " " + d.get("memberId").asString(),
					d.get("assigned").asInt()));
			assertThat(daily).as("assignments per day " + period[0] + ".." + period[1]).isEqualTo(dailyByHand(events, start, end, period[2]));
		}

		Api.Response csv = api.get("/api/v1/reports/agents/csv?from=" + day1 + "&to=" + day1.plusDays(1) + "&zone=Asia/Kolkata");
		assertThat(csv.contentType()).startsWith("text/csv");
		assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
		JsonNode both = api.get("/api/v1/reports/agents?from=" + day1 + "&to=" + day1.plusDays(1) + "&zone=Asia/Kolkata").json();
		// The history exercised every figure.
		List<JsonNode> rows = new ArrayList<>();
		both.get("agents").forEach(rows::add);
		assertThat(rows).anyMatch(r -> r.get("reassignedAway").asInt() > 0).anyMatch(r -> r.get("resolved").asInt() > 0)
			.anyMatch(r -> !r.get("medianFirstResponseSeconds").isNull())
			.anyMatch(r -> !r.get("medianResolutionSeconds").isNull())
			.anyMatch(r -> !r.get("medianSecondsToFirstAssignment").isNull())
			.anyMatch(r -> r.at("/assigned/aiBot").asInt() > 0 && r.at("/assigned/api").asInt() > 0);
		String john = csv.body().lines().filter(l -> l.startsWith("John Doe,")).findFirst().orElseThrow();
		assertThat(john).startsWith("John Doe,john@company.com," + row(both, ws.john().id().value()).at("/assigned/total").asInt() + ",");
	}

	/**
	 * The migration builds the report tables from the history of an existing database: the same history, rebuilt
	 * that way, gives the same report (first responses aside: replies before reports carried no author).
	 */
	@Test
	void theMigrationsBackfillAgreesWithTheLiveRecording() {
		everyFigureMatchesTheEventLog();
		LocalDate day1 = LocalDate.now(ZONE).plusDays(3);
		String query = "/api/v1/reports/agents?from=" + day1 + "&to=" + day1.plusDays(1) + "&zone=Asia/Kolkata";
		String live = withoutFirstResponses(api.get(query).body());
		// As the migration runs: every workspace's report tables rebuilt from the history alone.
		jdbc.execute("TRUNCATE " + io.handoff.support.ReportBackfill.TABLES);
		io.handoff.support.ReportBackfill.statements().forEach(jdbc::execute);
		assertThat(withoutFirstResponses(api.get(query).body())).isEqualTo(live);
	}

	private static String withoutFirstResponses(String report) {
		return report.replaceAll("\"medianFirstResponseSeconds\":[^,}]+", "");
	}

	@Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	@Test
	void badPeriodsAndOtherRolesGetClearAnswers() {
		Api.Response zone = api.get("/api/v1/reports/agents?zone=Mars/Olympus");
		assertThat(zone.status()).isEqualTo(400);
		assertThat(zone.json().at("/errors/0/field").asString()).isEqualTo("zone");
		Api.Response order = api.get("/api/v1/reports/agents?from=2026-11-10&to=2026-11-01");
		assertThat(order.status()).isEqualTo(400);
		assertThat(order.json().at("/errors/0/field").asString()).isEqualTo("from");
		Api.Response date = api.get("/api/v1/reports/agents?from=yesterday");
		assertThat(date.status()).isEqualTo(400);
		assertThat(date.json().at("/errors/0/field").asString()).isEqualTo("from");
	}

	// ---- the event log, read back and added up by hand ----

	private Map<String, Map<String, Object>> byHand(List<JsonNode> events, Instant start, Instant end, String number) {
		Map<String, Map<String, Integer>> counts = new HashMap<>();
		Map<String, List<Double>> firstAssignment = new HashMap<>();
		Map<String, List<Double>> resolution = new HashMap<>();
		Map<String, List<Double>> firstResponse = new HashMap<>();
		Map<String, Instant> openedAt = new HashMap<>();
		Map<String, Boolean> assignedBefore = new HashMap<>();
		for (JsonNode event : events) {
			JsonNode data = event.at("/payload/data");
			String chat = data.get("chatId").asString();
			String type = event.get("type").asString();
			Instant at = Instant.parse(event.get("occurredAt").asString());
			openedAt.computeIfAbsent(chat, c -> Instant.parse(api.get("/api/v1/chats/" + c).json().get("createdAt").asString()));
			boolean inPeriod = !at.isBefore(start) && at.isBefore(end)
					&& (number == null || number.equals(event.get("businessNumberId").asString()));
			switch (type) {
				case "chat.assigned" -> {
					String to = data.at("/assignee/id").asString(null);
					String from = data.at("/previousAssignee/id").asString(null);
					if (to != null && !assignedBefore.containsKey(chat)) {
						assignedBefore.put(chat, true);
						if (inPeriod) {
							firstAssignment.computeIfAbsent(to, k -> new ArrayList<>())
								.add(seconds(firstMessage.getOrDefault(chat, openedAt.get(chat)), at));
						}
					}
					if (inPeriod && to != null) {
						add(counts, to, "assigned");
						add(counts, to, data.at("/assignment/source").asString());
						if (from != null && !from.equals(to)) {
							add(counts, from, "away");
						}
					}
				}
				case "chat.resolved" -> {
					String who = data.at("/assignee/id").asString("");
					if (inPeriod) {
						add(counts, who, "resolved");
						resolution.computeIfAbsent(who, k -> new ArrayList<>()).add(seconds(openedAt.get(chat), at));
					}
				}
				case "chat.reopened" -> openedAt.put(chat, at);
				default -> {
				}
			}
		}
		// First replies: the oldest message by a member in each chat.
		for (String chat : firstMessage.keySet()) {
			JsonNode chatJson = api.get("/api/v1/chats/" + chat).json();
			JsonNode first = null;
			for (JsonNode m : api.get("/api/v1/chats/" + chat + "/messages?limit=200").json().get("data")) {
				if ("member".equals(m.at("/author/type").asString(null))) {
					first = m;
				}
			}
			if (first == null) {
				continue;
			}
			Instant at = Instant.parse(first.get("sentAt").asString());
			if (!at.isBefore(start) && at.isBefore(end)
					&& (number == null || number.equals(chatJson.get("businessNumberId").asString()))) {
				firstResponse.computeIfAbsent(first.at("/author/id").asString(), k -> new ArrayList<>())
					.add(seconds(firstMessage.get(chat), at));
			}
		}
		Map<String, Map<String, Object>> result = new HashMap<>();
		counts.forEach((member, c) -> result.computeIfAbsent(member, k -> new HashMap<>()).putAll(c));
		firstAssignment.forEach((m, v) -> result.computeIfAbsent(m, k -> new HashMap<>()).put("firstAssignment", median(v)));
		firstResponse.forEach((m, v) -> result.computeIfAbsent(m, k -> new HashMap<>()).put("firstResponse", median(v)));
		resolution.forEach((m, v) -> result.computeIfAbsent(m, k -> new HashMap<>()).put("resolution", median(v)));
		return result;
	}

	private Map<String, Integer> dailyByHand(List<JsonNode> events, Instant start, Instant end, String number) {
		Map<String, Integer> daily = new TreeMap<>();
		for (JsonNode event : events) {
			JsonNode data = event.at("/payload/data");
			Instant at = Instant.parse(event.get("occurredAt").asString());
			String to = data.at("/assignee/id").asString(null);
			if (event.get("type").asString().equals("chat.assigned") && to != null && !at.isBefore(start)
					&& at.isBefore(end) && (number == null || number.equals(event.get("businessNumberId").asString()))) {
				daily.merge(LocalDate.ofInstant(at, ZONE) + " " + to, 1, Integer::sum);
			}
		}
		return daily;
	}

	private int openNow(Member agent, String number) {
		int open = 0;
		for (JsonNode chat : api.get("/api/v1/chats?status=open&assigneeId=" + agent.id() + "&limit=200").json().get("data")) {
			if (number == null || number.equals(chat.get("businessNumberId").asString())) {
				open++;
			}
		}
		return open;
	}

	private static void add(Map<String, Map<String, Integer>> counts, String member, String what) {
		counts.computeIfAbsent(member, k -> new HashMap<>()).merge(what, 1, Integer::sum);
	}

	private static double seconds(Instant from, Instant to) {
		Duration elapsed = Duration.between(from, to);
		return Math.max(0, elapsed.getSeconds() + elapsed.getNano() / 1e9);
	}

	/** The middle value; for an even count, the mean of the two middle values. */
	private static Double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
		return Math.round(median * 1000) / 1000.0;
	}

	/**
	 * The API gives times to the millisecond and the database keeps microseconds, so a median added up from the
	 * API's times may differ from the report's in its last (millisecond) digit.
	 */
	private static void sameSeconds(Double actual, Double expected, String what) {
		if (expected == null) {
			assertThat(actual).as(what).isNull();
		}
		else {
			assertThat(actual).as(what).isNotNull().isCloseTo(expected, org.assertj.core.data.Offset.offset(0.0015));
		}
	}

	private static Double nullable(JsonNode node) {
		return node == null || node.isNull() ? null : node.asDouble();
	}

	private static JsonNode row(JsonNode report, String member) {
		for (JsonNode row : report.get("agents")) {
			if (member.equals(row.get("memberId").asString(null))) {
				return row;
			}
		}
		throw new AssertionError("no row for " + member + " in " + report);
	}

	/** Every event of the workspace, oldest first. */
	private List<JsonNode> events() {
		List<JsonNode> all = new ArrayList<>();
		String after = null;
		do {
			JsonNode page = api.get("/api/v1/events?limit=100" + (after == null ? "" : "&after=" + after)).json();
			page.get("data").forEach(all::add);
			after = page.path("nextCursor").asString(null);
		}
		while (after != null);
		return all.reversed();
	}

	/**
	 * Two chats reassigned the other way round at the same moments (John to Rahul on one, Rahul to John on the other)
	 * both count toward the same two members' day; each change takes both days in one order, so none waits on the
	 * other in a circle (before, PostgreSQL broke such deadlocks by failing one assignment with a 500).
	 */
	@Test
	void reassignmentsTheOtherWayRoundAtOnceAllSucceedAndAllCount() throws Exception {
		Chat first = newChat(900, ws.support());
		Chat second = newChat(901, ws.support());
		ChatService.Origin lead = ChatService.Origin.manual(ws.anita().id(), "Anita Rao");
		chats.assign(ws.id(), first.id(), ws.john().id(), lead);
		chats.assign(ws.id(), second.id(), ws.rahul().id(), lead);
		int rounds = 60;
		java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			List<java.util.concurrent.Future<?>> done = new ArrayList<>();
			for (Chat chat : List.of(first, second)) {
				boolean johnFirst = chat == first;
				done.add(threads.submit(() -> {
					for (int i = 0; i < rounds; i++) {
						together.await(30, java.util.concurrent.TimeUnit.SECONDS);
						Member to = (i % 2 == 0) == johnFirst ? ws.rahul() : ws.john();
						Api.Response assigned = api.post("/api/v1/chats/" + chat.id().value() + "/assignment",
								"{\"memberId\": \"" + to.id().value() + "\"}");
						assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
					}
					return null;
				}));
			}
			for (java.util.concurrent.Future<?> f : done) {
				f.get(2, java.util.concurrent.TimeUnit.MINUTES);
			}
		}
		finally {
			threads.shutdownNow();
		}
		// Every reassignment counted once for the one who got the chat and once for the one who lost it.
		String totals = api.get("/api/v1/reports/agents?from=" + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to="
				+ LocalDate.now(ZoneOffset.UTC).plusDays(1)).body();
		assertThat(totals).contains("\"reassignedAway\":" + rounds);
	}

	private Chat newChat(int step, BusinessNumber number) {
		String phone = "+9198" + String.format("%08d", 10_000_000 + step * 7 + Math.abs(ws.id().value().hashCode() % 1000));
		var customer = customers.create(ws.id(), "Customer " + step, phone);
		Chat chat = chats.open(ws.id(), number.id(), customer.id());
		Instant wrote = clock.instant();
		messages.recordInbound(ws.id(), new MessageService.Inbound(number, phone, "Customer " + step,
				"wamid.report." + ws.id().value() + "." + step, "text", "hello", wrote));
		firstMessage.put(chat.id().value(), wrote);
		return chat;
	}

	private void moveTo(Instant at) {
		clock.advance(Duration.between(clock.instant(), at));
	}
}
