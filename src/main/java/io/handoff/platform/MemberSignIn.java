package io.handoff.platform;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Signs team members in to the web console by email and password. The principal is the member's {@link Caller}, as
 * for API keys, so pages and the API check the same rights. An email used in several workspaces signs in to the one
 * whose password matches.
 */
final class MemberSignIn implements AuthenticationProvider {

	/** Compared against when no member has the email, so that a wrong email takes as long as a wrong password. */
	private final String decoy;
	private final MemberDirectory members;
	private final PasswordEncoder passwords;
	private final SignInThrottle throttle;

	MemberSignIn(MemberDirectory members, PasswordEncoder passwords, SignInThrottle throttle) {
		this.members = members;
		this.passwords = passwords;
		this.throttle = throttle;
		this.decoy = passwords.encode("no member has this email");
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String email = authentication.getName() == null ? "" : authentication.getName().strip();
		String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
		String address = authentication.getDetails() instanceof WebAuthenticationDetails details
				? details.getRemoteAddress() : "unknown";
		java.time.Duration wait = throttle.waitFor(email, address);
		if (!wait.isZero()) {
			throw new SignInThrottle.Throttled(wait);
		}
		List<MemberDirectory.SignIn> candidates = email.isEmpty() ? List.of() : members.signIns(email);
		if (candidates.isEmpty()) {
			passwords.matches(password, decoy);
		}
		for (MemberDirectory.SignIn candidate : candidates) {
			if (passwords.matches(password, candidate.passwordHash())) {
				Caller caller = members.asCaller(candidate.workspace(), candidate.memberId())
					.orElseThrow(() -> new BadCredentialsException("Wrong email or password"));
				throttle.succeeded(email, address);
				return UsernamePasswordAuthenticationToken.authenticated(caller, null, authorities(caller));
			}
		}
		throttle.failed(email, address);
		throw new BadCredentialsException("Wrong email or password");
	}

	static List<GrantedAuthority> authorities(Caller caller) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		authorities.add(new SimpleGrantedAuthority("ROLE_MEMBER"));
		if (caller.manager()) {
			authorities.add(new SimpleGrantedAuthority("ROLE_MANAGER"));
		}
		return authorities;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}
}
