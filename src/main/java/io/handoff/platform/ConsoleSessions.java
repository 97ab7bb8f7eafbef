package io.handoff.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/** Signs a member in to the console from code, as the sign-in form would (a new session id, the member's rights). */
public final class ConsoleSessions {

	private static final HttpSessionSecurityContextRepository REPOSITORY = new HttpSessionSecurityContextRepository();

	private ConsoleSessions() {
	}

	public static void signIn(Caller member, HttpServletRequest request, HttpServletResponse response) {
		if (request.getSession(false) != null) {
			request.changeSessionId();
		}
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(
				UsernamePasswordAuthenticationToken.authenticated(member, null, MemberSignIn.authorities(member)));
		SecurityContextHolder.setContext(context);
		REPOSITORY.saveContext(context, request, response);
	}
}
