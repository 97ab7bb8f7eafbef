package io.handoff.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 with {@code Retry-After} when the database cannot be reached before a controller is even called (API
 * keys and console sessions are checked against it first), instead of a server error: problem+json for programs, a
 * page that retries itself for browsers.
 */
final class DatabaseAwayFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(DatabaseAwayFilter.class);

	private final Problems problems;

	DatabaseAwayFilter(Problems problems) {
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (ServletException | RuntimeException e) {
			if (!DatabaseAway.is(e) || response.isCommitted()) {
				throw e;
			}
			log.warn("The database could not be reached for a request: {}", DatabaseAway.describe(e));
			response.resetBuffer();
			response.setHeader("Retry-After", "5");
			String accept = String.valueOf(request.getHeader("Accept"));
			if (accept.contains("text/html") && !request.getRequestURI().startsWith("/api/")) {
				response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
				response.setContentType("text/html;charset=UTF-8");
				response.getOutputStream().write(("""
						<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
						<title>Try again in a moment · Handoff</title></head><body><h1>Try again in a moment</h1>
						<p>%s This page tries again by itself.</p></body></html>""".formatted(DatabaseAway.MESSAGE))
					.getBytes(StandardCharsets.UTF_8));
				return;
			}
			problems.write(response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", null,
					DatabaseAway.MESSAGE));
		}
	}
}
