package io.handoff.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a metrics scraper in with {@code Authorization: Bearer <handoff.metrics.token>}. Metrics span every workspace
 * (endpoint ids, outcomes), so they are for the operator, not for a workspace's keys; without a token set, nobody
 * reads them.
 */
final class MetricsTokenFilter extends OncePerRequestFilter {

	private final byte[] token;

	MetricsTokenFilter(String token) {
		this.token = token == null || token.isBlank() ? null : token.strip().getBytes(StandardCharsets.UTF_8);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (token != null && header != null && header.startsWith("Bearer ")
				&& MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
			SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
					"metrics", null, List.of(new SimpleGrantedAuthority("ROLE_METRICS"))));
		}
		chain.doFilter(request, response);
	}
}
