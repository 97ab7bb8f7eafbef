package io.handoff.web;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.PageRequest;
import io.handoff.reports.ReportService;

/**
 * Reports: team performance per agent for a period and number, in the viewer's time zone; a chart of assignments
 * per day and agent; a live feed of assignment changes; CSV export.
 */
@Controller
class ReportsController {

	/** Agents drawn in their own colour in the chart; the rest share one. */
	static final String[] COLOURS = { "#0b6e4f", "#2f6fde", "#c2410c", "#7c3aed", "#b91c1c", "#0e7490", "#a16207" };

	private final ReportService reports;
	private final TeamService team;
	private final Clock clock;

	ReportsController(ReportService reports, TeamService team, Clock clock) {
		this.reports = reports;
		this.team = team;
		this.clock = clock;
	}

	@GetMapping("/reports")
	String page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String zone,
			@RequestParam(required = false) String number, Model model) {
		caller.requireManager();
		model.addAttribute("numbers", team.numbers(caller.workspaceId(), new PageRequest(200, null)).data());
		model.addAttribute("number", number);
		model.addAttribute("zone", zone);
		try {
			ReportService.Period period = ReportService.Period.parse(from, to, zone, number, clock);
			ReportService.AgentReport report = reports.agents(caller, period);
			model.addAttribute("report", report);
			model.addAttribute("chart", chart(report));
		}
		catch (HandoffException.InvalidInput e) {
			model.addAttribute("error", e.getMessage());
			model.addAttribute("from", from);
			model.addAttribute("to", to);
		}
		model.addAttribute("feed", reports.feed(caller, 15));
		return "reports";
	}

	/** The live feed alone, for the page to refresh when an assignment changes. */
	@GetMapping("/reports/feed")
	String feed(@AuthenticationPrincipal Caller caller, Model model) {
		model.addAttribute("feed", reports.feed(caller, 15));
		return "reports :: feed";
	}

	@GetMapping("/reports/agents.csv")
	ResponseEntity<String> csv(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String zone,
			@RequestParam(required = false) String number) {
		ReportService.AgentReport report = reports.agents(caller, ReportService.Period.parse(from, to, zone, number, clock));
		return ReportService.csvDownload(report);
	}

	/** A stacked bar per day: a segment per agent among the busiest, and one for everyone else. */
	record Segment(String name, String colour, int count, double y, double height) {
	}

	record Bar(LocalDate date, int total, double x, List<Segment> segments) {
	}

	record Legend(String name, String colour) {
	}

	record Chart(List<Bar> bars, List<Legend> legend, int max, double width, double barWidth) {
	}

	static Chart chart(ReportService.AgentReport report) {
		Map<String, String> names = new HashMap<>();
		report.agents().forEach(a -> names.put(a.memberId() == null ? "" : a.memberId(), a.name()));
		List<String> busiest = report.agents().stream()
			.filter(a -> a.assigned().total() > 0 && a.memberId() != null)
			.map(ReportService.AgentRow::memberId)
			.limit(COLOURS.length)
			.toList();
		Map<LocalDate, Map<String, Integer>> byDay = ReportService.byDay(report);
		List<LocalDate> days = ReportService.days(report);
		int max = 1;
		for (Map<String, Integer> day : byDay.values()) {
			max = Math.max(max, day.values().stream().mapToInt(Integer::intValue).sum());
		}
		double barWidth = 10;
		List<Bar> bars = new ArrayList<>();
		for (int i = 0; i < days.size(); i++) {
			Map<String, Integer> day = byDay.getOrDefault(days.get(i), Map.of());
			List<Segment> segments = new ArrayList<>();
			double top = 100;
			for (int b = 0; b < busiest.size(); b++) {
				int count = day.getOrDefault(busiest.get(b), 0);
				if (count > 0) {
					double height = 100.0 * count / max;
					top -= height;
					segments.add(new Segment(names.get(busiest.get(b)), COLOURS[b], count, top, height));
				}
			}
			int others = day.entrySet().stream().filter(e -> !busiest.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
			if (others > 0) {
				double height = 100.0 * others / max;
				top -= height;
				segments.add(new Segment("Others", "#9aa5b1", others, top, height));
			}
			int total = day.values().stream().mapToInt(Integer::intValue).sum();
			bars.add(new Bar(days.get(i), total, i * (barWidth + 2), segments));
		}
		List<Legend> legend = new ArrayList<>();
		for (int b = 0; b < busiest.size(); b++) {
			legend.add(new Legend(names.get(busiest.get(b)), COLOURS[b]));
		}
		if (report.agents().stream().filter(a -> a.assigned().total() > 0 && a.memberId() != null).count() > busiest.size()) {
			legend.add(new Legend("Others", "#9aa5b1"));
		}
		return new Chart(bars, legend, max, Math.max(1, days.size() * (barWidth + 2)), barWidth);
	}
}
