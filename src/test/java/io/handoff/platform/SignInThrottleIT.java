package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import io.handoff.inbox.Member;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;
import io.handoff.support.MutableClock;

/** Password guessing is slowed down, and the answer never tells whether an email belongs to anyone. */
@IntegrationTest
class SignInThrottleIT {

	static final String PASSWORD = "the right password";

	@Autowired
	Fixtures fixtures;

	@Autowired
	TeamService team;

	@Autowired
	MutableClock clock;

	@Autowired
	Environment environment;

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void aFewWrongPasswordsMakeSignInWaitEvenForTheRightOne() throws Exception {
		var ws = fixtures.workspace();
		Member member = team.createMember(ws.id(), new TeamService.MemberDetails("Guessed", "guessed@company.com", null,
				Role.TEAM_LEAD, Map.of()));
		team.setPassword(ws.id(), member.id(), PASSWORD);

		for (int i = 0; i < SignInThrottle.FREE_PER_EMAIL; i++) {
			assertThat(signIn("guessed@company.com", "wrong " + i)).endsWith("/login?error");
		}
		String refused = signIn("guessed@company.com", PASSWORD);
		assertThat(refused).contains("/login?wait=");
		assertThat(page(refused)).contains("Too many wrong passwords. Try again in 1 minute.");

		// An email nobody has is treated the same, so the answer reveals nothing.
		for (int i = 0; i < SignInThrottle.FREE_PER_EMAIL; i++) {
			assertThat(signIn("nobody-here@company.com", "wrong " + i)).endsWith("/login?error");
		}
		assertThat(signIn("nobody-here@company.com", "wrong again")).contains("/login?wait=");

		// Once the wait is over, the right password works and the count starts again.
		clock.advance(Duration.ofSeconds(31));
		assertThat(signIn("guessed@company.com", PASSWORD)).endsWith("/inbox");
		assertThat(signIn("guessed@company.com", "one more wrong")).endsWith("/login?error");
	}

	@Test
	void passwordsPeopleGuessAndOverlongOnesAreRefusedInWords() {
		var ws = fixtures.workspace();
		for (String guessable : List.of("password1234", "Password 1234", "QWERTY123456")) {
			assertThatThrownBy(() -> team.setPassword(ws.id(), ws.anita().id(), guessable))
				.isInstanceOf(HandoffException.InvalidInput.class)
				.hasMessageContaining("most often");
		}
		assertThatThrownBy(() -> team.setPassword(ws.id(), ws.anita().id(), "x".repeat(129)))
			.hasMessageContaining("at most 128");
		assertThatThrownBy(() -> team.setPassword(ws.id(), ws.anita().id(), "é".repeat(40)))
			.hasMessageContaining("72 bytes");
		team.setPassword(ws.id(), ws.anita().id(), "a sentence only I would write");
	}

	@Test
	void aNewPasswordEndsTheMembersOtherSessions() throws Exception {
		var ws = fixtures.workspace();
		Member member = team.createMember(ws.id(), new TeamService.MemberDetails("Signed In", "signed-in@company.com",
				null, Role.TEAM_LEAD, Map.of()));
		team.setPassword(ws.id(), member.id(), PASSWORD);
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		assertThat(signIn(browser, "signed-in@company.com", PASSWORD)).endsWith("/inbox");
		assertThat(get(browser, "/inbox").statusCode()).isEqualTo(200);

		team.setPassword(ws.id(), member.id(), "another long password");

		HttpResponse<String> after = get(browser, "/inbox");
		assertThat(after.statusCode()).isEqualTo(302);
		assertThat(after.headers().firstValue("Location").orElseThrow()).contains("/login");
	}

	private HttpResponse<String> get(HttpClient client, String path) throws Exception {
		return client.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Posts the sign-in form from a fresh session and answers where it redirects to. */
	private String signIn(String email, String password) throws Exception {
		return signIn(HttpClient.newBuilder().cookieHandler(new CookieManager()).build(), email, password);
	}

	private String signIn(HttpClient http, String email, String password) throws Exception {
		String form = http.send(HttpRequest.newBuilder(URI.create(base() + "/login")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
		assertThat(csrf.find()).as("the sign-in form carries a CSRF token").isTrue();
		HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("email=" + encode(email) + "&password=" + encode(password)
					+ "&_csrf=" + encode(csrf.group(1))))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(posted.statusCode()).isEqualTo(302);
		return posted.headers().firstValue("Location").orElseThrow();
	}

	private String page(String location) throws Exception {
		String url = location.startsWith("http") ? location : base() + location;
		return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

	private String base() {
		return "http://localhost:" + environment.getProperty("local.server.port");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
