package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.Member;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * The console half of the permission matrix: each built-in role signed in (and a member of another workspace) does
 * each console action over HTTP, as the browser would, and gets the answer the README's matrix gives it. The services
 * decide, so these are the API's answers as pages: denied is 403, hidden is 404.
 */
@IntegrationTest
class ConsolePermissionsIT {

	private static final String PASSWORD = "lantern-orchid-47-quay";

	private static final List<String> CALLERS = List.of("owner", "lead", "member", "assigned", "other workspace");

	private static final AtomicInteger SEQUENCE = new AtomicInteger();

	@Autowired
	Fixtures fixtures;

	@Autowired
	TeamService team;

	@Autowired
	ChatService chats;

	Fixtures.Workspace ws;

	Api api;

	Member olivia;

	final Map<String, Console> as = new LinkedHashMap<>();

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		api = ws.api();
		olivia = team.createMember(ws.id(), new TeamService.MemberDetails("Olivia Owner",
				"olivia" + SEQUENCE.incrementAndGet() + "@company.com", null, Role.OWNER, Map.of()));
		Fixtures.Workspace other = fixtures.workspace();
		as.put("owner", console(ws, olivia));
		as.put("lead", console(ws, ws.anita()));
		as.put("member", console(ws, ws.rahul()));
		as.put("assigned", console(ws, ws.sara()));
		as.put("other workspace", console(other, other.anita()));
	}

	/** One console action and, per caller, {@code A} allowed, {@code D} denied (403) or {@code H} hidden (404). */
	record Row(String action, String expected, Function<Console, HttpResponse<String>> call) {
	}

	@Test
	void everyRoleGetsTheMatrixAnswerInTheConsole() {
		String chat = ws.chat().id().value();
		List<Row> rows = List.of(
				row("open the inbox", "AAAAA", c -> c.get("/inbox")),
				row("open a chat on Support", "AAAHH", c -> c.get("/inbox/chats/" + chat)),
				row("assign a Support chat", "AAAHH", c -> c.post("/inbox/chats/" + newChat() + "/assignment",
						"memberId", ws.john().id().value())),
				row("open Settings → Team, Numbers and API keys", "AADDA", c -> c.get("/settings/team")),
				row("add a member", "AADDA", c -> c.post("/settings/team/members", "name", "New Agent", "email",
						"agent" + SEQUENCE.incrementAndGet() + "@company.com", "orgRole", "Team Member")),
				row("change a member's role", "AADDH", c -> c.post("/settings/team/members/" + ws.john().id() + "/roles",
						"orgRole", "Team Lead")),
				row("set the Owner's password", "ADDDH", c -> c.post("/settings/team/members/" + olivia.id()
						+ "/password", "password", PASSWORD)),
				row("demote the Owner", "ADDDH", c -> c.post("/settings/team/members/"
						+ newOwner() + "/roles", "orgRole", "Team Member")),
				row("set a member's availability", "AADDH", c -> c.post("/settings/team/members/" + ws.john().id()
						+ "/availability", "availability", "busy")),
				row("add a business number", "AADDA", c -> c.post("/settings/numbers", "number", newPhone(),
						"displayName", "Billing")),
				row("set a number's WhatsApp ids", "AADDH", c -> c.post("/settings/numbers/" + ws.sales().id(),
						"wabaId", "102290129340398", "phoneNumberId", "")),
				row("create an API key", "AADDA", c -> c.post("/settings/api-keys", "name", "CI")),
				row("revoke an API key", "AADDH", c -> c.post("/settings/api-keys/" + newKey() + "/revoke")),
				row("open Reports", "AADDA", c -> c.get("/reports?zone=Asia/Kolkata")),
				row("export the report as CSV", "AADDA", c -> c.get("/reports/agents.csv?zone=UTC")),
				row("refresh the live feed", "AADDA", c -> c.get("/reports/feed")),
				row("open Settings → Webhooks", "AADDA", c -> c.get("/settings/webhooks")),
				row("open a webhook", "AADDH", c -> c.get("/settings/webhooks/" + newWebhook())),
				row("create a webhook", "AADDA", c -> c.post("/settings/webhooks", "name", "Backend", "url",
						"http://127.0.0.1:9/x", "eventTypes", "chat.assigned")),
				row("send a test event", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook() + "/test")),
				row("reveal a webhook's secret", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook() + "/secret")),
				row("delete a webhook", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook() + "/delete")),
				row("open New Webhook", "AADDA", c -> c.get("/settings/webhooks/new")),
				row("open the event catalog", "AADDA", c -> c.get("/settings/webhooks/events")),
				row("edit a webhook", "AADDH", c -> c.get("/settings/webhooks/" + newWebhook() + "/edit")),
				row("save a webhook", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook(), "name", "Renamed", "url",
						"http://127.0.0.1:9/y", "eventTypes", "chat.assigned")),
				row("disable a webhook", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook() + "/enabled", "enabled",
						"false")),
				row("rotate a webhook's secret", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook()
						+ "/secret/rotate")),
				row("recover failed deliveries", "AADDH", c -> c.post("/settings/webhooks/" + newWebhook() + "/recover",
						"since", "2026-01-01T00:00:00Z")),
				row("open Settings → Connections", "AADDA", c -> c.get("/settings/connections")),
				row("delete a connection", "AADDH", c -> c.post("/settings/connections/" + newConnection() + "/delete")),
				row("add a connection", "AADDA", c -> c.post("/settings/connections", "type", "hubspot", "name", "HubSpot",
						"secrets.token", "pat-na1-y")),
				row("open Bot Studio", "AADDA", c -> c.get("/studio")),
				row("create a bot", "AADDA", c -> c.post("/studio/bots", "name", "Router")),
				row("open a bot", "AADDH", c -> c.get("/studio/bots/" + newBot())),
				row("activate a bot", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/status", "status", "active")),
				row("open a bot's runs", "AADDH", c -> c.get("/studio/bots/" + newBot() + "/runs")),
				row("delete a bot", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/delete")),
				row("make a new URL for a bot", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/hook-url")),
				row("start Capture Response", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/capture")),
				row("stop Capture Response", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/capture/stop")),
				row("map a variable", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/variables", "name", "phone",
						"path", "/body/phone")),
				row("add a step", "AADDH", c -> c.post("/studio/bots/" + newBot() + "/steps", "type", "assign_agent",
						"strategy", "round_robin", "pool", ws.john().id().value())));

		List<String> mismatches = new ArrayList<>();
		for (Row row : rows) {
			for (int i = 0; i < CALLERS.size(); i++) {
				String who = CALLERS.get(i);
				HttpResponse<String> response = row.call().apply(as.get(who));
				int status = response.statusCode();
				String location = response.headers().firstValue("Location").orElse("");
				boolean matches = switch (row.expected().charAt(i)) {
					case 'A' -> status < 300 || (status < 400 && !location.contains("/login"));
					case 'D' -> status == 403;
					case 'H' -> status == 404;
					default -> throw new IllegalArgumentException(row.expected());
				};
				if (!matches) {
					mismatches.add(row.action() + " as " + who + ": expected " + row.expected().charAt(i) + ", got "
							+ status + " " + location);
				}
			}
		}
		assertThat(mismatches).isEmpty();
	}

	@Test
	void onlyOwnersAreOfferedTheFormsThatChangeAnOwner() {
		String ownersPasswordForm = "/settings/team/members/" + olivia.id() + "/password";
		assertThat(as.get("owner").get("/settings/team").body()).contains(ownersPasswordForm);
		String asLead = as.get("lead").get("/settings/team").body();
		assertThat(asLead).doesNotContain(ownersPasswordForm).contains("Only an Owner changes an Owner")
			.contains("/settings/team/members/" + ws.john().id() + "/password");
	}

	@Test
	void changingYourOwnPasswordKeepsThisSessionAndEndsTheOthers() {
		// Olivia's email is hers alone (every fixture workspace has an anita@company.com).
		Console elsewhere = signIn(ws, olivia);
		Console here = as.get("owner");
		HttpResponse<String> changed = here.post("/settings/team/members/" + olivia.id() + "/password", "password",
				"quartz-meadow-19-lumen");
		assertThat(changed.headers().firstValue("Location").orElse("")).endsWith("/settings/team");
		HttpResponse<String> page = here.get("/settings/team");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("Your password is changed");
		HttpResponse<String> other = elsewhere.get("/settings/team");
		assertThat(other.headers().firstValue("Location").orElse("")).as(other.statusCode() + " "
				+ other.body().substring(0, Math.min(300, other.body().length()))).contains("/login?signedOut");
	}

	private Row row(String action, String expected, Function<Console, HttpResponse<String>> call) {
		return new Row(action, expected, call);
	}

	private static String newPhone() {
		return "+9198" + String.format("%08d", SEQUENCE.incrementAndGet());
	}

	private String newChat() {
		var customer = api.post("/api/v1/customers", "{\"name\": \"Guest\", \"phone\": \"" + newPhone() + "\"}").json();
		return api.post("/api/v1/chats", "{\"businessNumberId\": \"" + ws.support().id() + "\", \"customerId\": \""
				+ customer.get("id").asString() + "\"}").json().get("id").asString();
	}

	/** A second Owner, so that demoting one leaves the workspace with an Owner. */
	private String newOwner() {
		return team.createMember(ws.id(), new TeamService.MemberDetails("Second Owner", "owner"
				+ SEQUENCE.incrementAndGet() + "@company.com", null, Role.OWNER, Map.of())).id().value();
	}

	private String newKey() {
		return api.post("/api/v1/api-keys", "{\"name\": \"temp\"}").json().at("/apiKey/id").asString();
	}

	private String newWebhook() {
		return api.post("/api/v1/webhooks", """
				{"name": "Temp", "url": "http://127.0.0.1:9/x", "eventTypes": ["chat.assigned"]}""")
			.json()
			.at("/endpoint/id")
			.asString();
	}

	private String newConnection() {
		return api.post("/api/v1/connections", """
				{"type": "hubspot", "name": "HubSpot", "secrets": {"token": "pat-na1-x"}}""").json().get("id").asString();
	}

	private String newBot() {
		return api.post("/api/v1/bots", "{\"name\": \"Temp bot\"}").json().get("id").asString();
	}

	private Console console(Fixtures.Workspace workspace, Member member) {
		team.setPassword(workspace.id(), member.id(), PASSWORD);
		return signIn(workspace, member);
	}

	private Console signIn(Fixtures.Workspace workspace, Member member) {
		Console console = new Console(workspace.api().base());
		HttpResponse<String> form = console.get("/login");
		HttpResponse<String> signedIn = console.send("POST", "/login", console.form(csrf(form.body()), "email",
				member.email(), "password", PASSWORD));
		assertThat(signedIn.headers().firstValue("Location").orElse("")).as(member.name()).endsWith("/inbox");
		console.csrf = csrf(console.get("/inbox").body());
		return console;
	}

	private static String csrf(String page) {
		Matcher matcher = Pattern.compile("name=\"(?:_csrf|csrf-token)\" (?:value|content)=\"([^\"]+)\"").matcher(page);
		assertThat(matcher.find()).as("a CSRF token on the page").isTrue();
		return matcher.group(1);
	}

	/** A browser without JavaScript: a cookie jar, no redirects followed, forms posted with the CSRF token. */
	static final class Console {

		private final String base;

		private final HttpClient http;

		String csrf;

		Console(String base) {
			this.base = base;
			this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
				.followRedirects(HttpClient.Redirect.NEVER)
				.build();
		}

		HttpResponse<String> get(String path) {
			return send("GET", path, null);
		}

		HttpResponse<String> post(String path, String... fields) {
			return send("POST", path, form(csrf, fields));
		}

		String form(String token, String... fields) {
			StringBuilder form = new StringBuilder("_csrf=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
			for (int i = 0; i < fields.length; i += 2) {
				form.append('&').append(fields[i]).append('=').append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
			}
			return form.toString();
		}

		HttpResponse<String> send(String method, String path, String form) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
			if (form != null) {
				request.header("Content-Type", "application/x-www-form-urlencoded");
			}
			request.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(form));
			try {
				return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			}
			catch (Exception e) {
				throw new IllegalStateException(method + " " + path, e);
			}
		}
	}
}
