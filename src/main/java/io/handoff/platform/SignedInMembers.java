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
 * once, not at the next sign-in. A removed member's session ends.
 */
final class SignedInMembers extends OncePerRequestFilter {

	private final MemberDirectory members;

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
			if (!current.get().equals(signedIn)) {
				context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(current.get(), null,
						MemberSignIn.authorities(current.get())));
			}
		}
		chain.doFilter(request, response);
	}
}
