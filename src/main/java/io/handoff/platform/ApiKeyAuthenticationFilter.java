package io.handoff.platform;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer hk_…}. A key that is presented but not valid is refused at once rather
 * than treated as anonymous, so a revoked key never falls through to a weaker rule.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

	private final ApiKeyService apiKeys;
	private final Problems problems;

	ApiKeyAuthenticationFilter(ApiKeyService apiKeys, Problems problems) {
		this.apiKeys = apiKeys;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
			chain.doFilter(request, response);
			return;
		}
		var caller = apiKeys.authenticate(header.substring(7).trim());
		if (caller.isEmpty()) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
			problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, "invalid_api_key", null,
					"The API key is not valid or has been revoked"));
			return;
		}
		// Services check Caller.manager themselves; the authority mirrors it for Spring Security's own rules.
		var authentication = UsernamePasswordAuthenticationToken.authenticated(caller.get(), null,
				List.of(new SimpleGrantedAuthority(caller.get().manager() ? "ROLE_MANAGER" : "ROLE_MEMBER")));
		SecurityContextHolder.getContext().setAuthentication(authentication);
		chain.doFilter(request, response);
	}
}
