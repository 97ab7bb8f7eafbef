package io.handoff.platform;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may call what. The REST API is stateless and authenticated by API keys; health, the OpenAPI document and
 * Swagger UI are public; everything else is closed until a sign-in exists for it.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfiguration {

	/**
	 * No observation per security filter: with an observation registry, Spring Security wraps each of its filters in
	 * one on every request, about 4% of a busy node's CPU in a profile of bot hooks at 400/s, for spans nothing here
	 * reads. The request's own observation ({@code http.server.requests}) stays.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/** bcrypt today, and able to check older hashes if the default moves on. */
	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	@Order(1)
	SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyService apiKeys, Problems problems) throws Exception {
		http.securityMatcher("/api/**")
			.csrf(csrf -> csrf.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(cache -> cache.disable())
			.addFilterBefore(new ApiKeyAuthenticationFilter(apiKeys, problems), AnonymousAuthenticationFilter.class)
			.authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
			.exceptionHandling(e -> e
				.authenticationEntryPoint((request, response, ex) -> problems.write(response,
						Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", null,
								"Send a workspace API key as 'Authorization: Bearer <key>'")))
				.accessDeniedHandler((request, response, ex) -> problems.write(response, Problems
					.of(HttpStatus.FORBIDDEN, "forbidden", null, "Your role does not allow this action"))));
		return http.build();
	}

	/**
	 * Prometheus metrics, for the operator's scraper: a bearer token from {@code handoff.metrics.token}; health stays
	 * open for load balancers and orchestrators.
	 */
	@Bean
	@Order(0)
	SecurityFilterChain metricsSecurity(HttpSecurity http, Problems problems,
			@org.springframework.beans.factory.annotation.Value("${handoff.metrics.token:}") String token) throws Exception {
		http.securityMatcher("/actuator/prometheus")
			.csrf(csrf -> csrf.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(cache -> cache.disable())
			.addFilterBefore(new MetricsTokenFilter(token), AnonymousAuthenticationFilter.class)
			.authorizeHttpRequests(auth -> auth.anyRequest().hasRole("METRICS"))
			.exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> problems.write(response,
					Problems.of(HttpStatus.UNAUTHORIZED, "unauthenticated", null, token.isBlank()
							? "Metrics are off: set handoff.metrics.token and scrape with 'Authorization: Bearer <token>'"
							: "Send the metrics token as 'Authorization: Bearer <token>'")))
				.accessDeniedHandler((request, response, ex) -> problems.write(response, Problems.of(
						HttpStatus.UNAUTHORIZED, "unauthenticated", null,
						"Send the metrics token as 'Authorization: Bearer <token>'"))));
		return http.build();
	}

	/**
	 * Bots' hook URLs and channel webhooks: open to senders on the internet, who prove themselves by the unguessable
	 * URL and, where configured, a signature the handler checks.
	 */
	@Bean
	@Order(0)
	SecurityFilterChain inboundSecurity(HttpSecurity http) throws Exception {
		http.securityMatcher("/hooks/**", "/channels/**")
			.csrf(csrf -> csrf.disable())
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(cache -> cache.disable())
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
		return http.build();
	}

	/**
	 * The web console: members sign in with email and password into a session, forms carry CSRF tokens (htmx sends
	 * the token in a header), and every page needs a signed-in member except sign-in itself and static files.
	 */
	@Bean
	@Order(2)
	SecurityFilterChain consoleSecurity(HttpSecurity http, MemberDirectory members, PasswordEncoder passwords,
			java.time.Clock clock) throws Exception {
		http.authorizeHttpRequests(auth -> auth
			.requestMatchers("/actuator/health", "/actuator/health/**", "/v3/api-docs",
					"/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error", "/login", "/setup", "/webjars/**",
					"/console/**", "/favicon.ico")
			.permitAll()
			.anyRequest()
			.hasRole("MEMBER"))
			.authenticationProvider(new MemberSignIn(members, passwords, new SignInThrottle(clock)))
			.formLogin(form -> form.loginPage("/login")
				.usernameParameter("email")
				.defaultSuccessUrl("/inbox", true)
				.failureHandler((request, response, e) -> response.sendRedirect(request.getContextPath()
						+ (e instanceof SignInThrottle.Throttled throttled
								? "/login?wait=" + Math.max(1, (throttled.waitFor().toSeconds() + 59) / 60) : "/login?error")))
				.permitAll())
			.logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
			.sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
			.headers(h -> h.referrerPolicy(r -> r.policy(
					org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
				.contentSecurityPolicy(csp -> csp.policyDirectives(
					"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
							+ "connect-src 'self'; frame-ancestors 'none'; form-action 'self'")))
			.addFilterAfter(new SignedInMembers(members),
					org.springframework.security.web.context.SecurityContextHolderFilter.class);
		return http.build();
	}

	/** Addresses the firewall refuses (encoded slashes, dots, percent signs) get a problem+json 400 like any bad input. */
	@Bean
	org.springframework.security.web.firewall.RequestRejectedHandler requestRejectedHandler(Problems problems) {
		return (request, response, e) -> problems.write(response, Problems.of(HttpStatus.BAD_REQUEST, "invalid_path",
				null, "The address has characters Handoff does not accept in a path (such as an encoded /, . or %)"));
	}

	@Bean
	FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimit(Problems problems, HandoffProperties properties) {
		var registration = new FilterRegistrationBean<>(
				new BodySizeLimitFilter(problems, properties.api().maxBodySize().toBytes()));
		registration.addUrlPatterns("/api/*", "/hooks/*", "/channels/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		return registration;
	}

	@Bean
	FilterRegistrationBean<DatabaseAwayFilter> databaseAway(Problems problems) {
		var registration = new FilterRegistrationBean<>(new DatabaseAwayFilter(problems));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}
}
