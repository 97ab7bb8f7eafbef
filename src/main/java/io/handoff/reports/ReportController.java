package io.handoff.reports;

import java.time.Clock;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;

import io.handoff.platform.Caller;

/** Team performance over the API: the per-agent report as JSON or CSV. */
@RestController
@RequestMapping("/api/v1/reports")
class ReportController {

	private final ReportService reports;
	private final Clock clock;

	ReportController(ReportService reports, Clock clock) {
		this.reports = reports;
		this.clock = clock;
	}

	@GetMapping("/agents")
	@Operation(summary = "Team performance per agent for a period",
			description = "Whole days from `from` to `to` (both included, default the last 7 days) in `zone` (an IANA "
					+ "time zone, default UTC), on one number or all. Medians are in seconds.")
	ReportService.AgentReport agents(@AuthenticationPrincipal Caller caller,
			@Parameter(description = "First day, e.g. 2026-11-01") @RequestParam(required = false) String from,
			@Parameter(description = "Last day, included") @RequestParam(required = false) String to,
			@Parameter(description = "IANA time zone the days are cut in, e.g. Asia/Kolkata") @RequestParam(required = false) String zone,
			@RequestParam(required = false) String businessNumberId) {
		return reports.agents(caller, ReportService.Period.parse(from, to, zone, businessNumberId, clock));
	}

	@GetMapping(path = "/agents/csv", produces = "text/csv")
	@Operation(summary = "Team performance per agent for a period, as CSV", description = "The same figures as JSON.")
	ResponseEntity<String> csv(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String from,
			@RequestParam(required = false) String to, @RequestParam(required = false) String zone,
			@RequestParam(required = false) String businessNumberId) {
		ReportService.AgentReport report = reports.agents(caller,
				ReportService.Period.parse(from, to, zone, businessNumberId, clock));
		return ReportService.csvDownload(report);
	}
}
