package io.handoff.platform;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a signed-in member's rights afresh on every request: a role changed or a member removed takes effect at
 * once, not at the next sign-in. A removed member's session ends. Notes that the member is active (for auto-away), at
 * most once a minute.
 */
final class SignedInMembers extends OncePerRequestFilter {

	private static final long SEEN_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

	private final MemberDirectory members;

	/** When each member's activity was last written, so that it is written at most once a minute. */
	private final java.util.Map<String, Long> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

	SignedInMembers(MemberDirectory members) {
		this.members = members;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		SecurityContext context = SecurityContextHolder.getContext();
		Authentication authentication = context.getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof Caller signedIn
				&& signedIn.kind() == Caller.Kind.MEMBER) {
			Optional<Caller> current = members.asCaller(signedIn.workspaceId(), signedIn.id());
			// A removed member, or a password changed since this session signed in, ends the session.
			if (current.isEmpty() || !java.util.Objects.equals(current.get().credentials(), signedIn.credentials())) {
				SecurityContextHolder.clearContext();
				var session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
				response.sendRedirect(request.getContextPath() + "/login?signedOut");
				return;
			}
			long now = System.nanoTime();
			Long last = lastSeen.get(signedIn.id());
			if (last == null || now - last > SEEN_EVERY_NANOS) {
				lastSeen.put(signedIn.id(), now);
				members.seen(signedIn.workspaceId(), signedIn.id());
			}
			if (!current.get().equals(signedIn)) {
				context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(current.get(), null,
						MemberSignIn.authorities(current.get())));
			}
		}
		chain.doFilter(request, response);
	}
}
