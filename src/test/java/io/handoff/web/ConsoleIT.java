package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import io.handoff.inbox.TeamService;
import io.handoff.support.Api;
import io.handoff.support.Browser;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** The web console in real headless Chromium, as a new user walks it; screenshots go to target/screenshots. */
@IntegrationTest
class ConsoleIT {

	static final String PASSWORD = "correct horse battery";

	@Autowired
	Fixtures fixtures;

	@Autowired
	TeamService team;

	@Autowired
	io.handoff.inbox.ChatService chats;

	@Autowired
	Environment environment;

	Fixtures.Workspace ws;

	ChromeDriver browser;

	WebDriverWait wait;

	MockWebServer receiver;

	String base;

	@BeforeEach
	void setUp() throws Exception {
		ws = fixtures.workspace();
		for (var member : List.of(ws.anita(), ws.rahul(), ws.sara())) {
			team.setPassword(ws.id(), member.id(), PASSWORD);
		}
		base = "http://localhost:" + environment.getProperty("local.server.port");
		receiver = new MockWebServer();
		receiver.start();
		browser = Browser.start();
		wait = new WebDriverWait(browser, Duration.ofSeconds(15));
		// Conditions that reload the page may catch it mid-navigation; that is a reason to look again, not a failure.
		wait.ignoring(org.openqa.selenium.WebDriverException.class);
	}

	@AfterEach
	void tearDown() {
		if (browser != null) {
			browser.quit();
		}
		receiver.close();
	}

	@Test
	void aTeamLeadAssignsAChatAndFollowsItsWebhookDelivery() {
		receiver.enqueue(new MockResponse.Builder().code(200).body("{\"ok\": true}").build());
		receiver.enqueue(new MockResponse.Builder().code(200).body("{\"ok\": true}").build());

		browser.get(base + "/inbox");
		assertThat(browser.getCurrentUrl()).endsWith("/login");
		Browser.screenshot(browser, "01-sign-in");
		signIn("anita@company.com", "wrong password");
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error"))).getText())
			.contains("Wrong email or password");
		signIn("anita@company.com", PASSWORD);

		wait.until(ExpectedConditions.urlContains("/inbox"));
		assertThat(browser.findElement(By.id("chats")).getText()).contains("Rohan Mehta");
		Browser.screenshot(browser, "02-inbox");

		// Settings → Webhooks → New Webhook, first with an address the URL guard refuses.
		browser.findElement(By.id("nav-webhooks")).click();
		browser.findElement(By.id("new-webhook")).click();
		browser.findElement(By.id("name")).sendKeys("CRM lead owner");
		browser.findElement(By.id("url")).sendKeys("http://169.254.169.254/latest/meta-data");
		browser.findElement(By.id("save-webhook")).click();
		WebElement urlError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("url-error")));
		assertThat(urlError.getText()).isNotBlank();
		assertThat(browser.findElement(By.id("name")).getAttribute("value")).isEqualTo("CRM lead owner");
		Browser.screenshot(browser, "03-webhook-form-error");
		browser.findElement(By.id("url")).clear();
		browser.findElement(By.id("url")).sendKeys(receiver.url("/hooks/crm").toString());
		assertThat(browser.findElement(By.id("event-chat.assigned")).isSelected()).isTrue();
		browser.findElement(By.id("save-webhook")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created-title"))).getText())
			.isEqualTo("Your webhook is now active");
		assertThat(browser.findElement(By.id("secret")).getAttribute("value")).startsWith("whsec_");
		Browser.screenshot(browser, "04-webhook-created");

		// Assign the chat in the inbox; the change goes out as chat.assigned.
		browser.findElement(By.id("nav-inbox")).click();
		browser.findElement(By.linkText("Rohan Mehta")).click();
		new Select(browser.findElement(By.id("assign-to"))).selectByVisibleText("John Doe");
		browser.findElement(By.id("assign")).click();
		wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "John Doe"));
		assertThat(browser.findElement(By.id("history")).getText()).contains("assigned to John Doe");
		Browser.screenshot(browser, "05-chat-assigned");

		// The webhook's delivery log shows it, with the request and the response; resend it.
		browser.findElement(By.id("nav-webhooks")).click();
		browser.findElement(By.linkText("CRM lead owner")).click();
		WebElement delivery = wait.until(d -> {
			d.navigate().refresh();
			List<WebElement> rows = d.findElements(By.cssSelector("#deliveries tr[data-delivery]"));
			return rows.isEmpty() || !rows.getFirst().getText().contains("succeeded") ? null : rows.getFirst();
		});
		Browser.screenshot(browser, "06-webhook-detail");
		// The endpoint's adaptive window: how many requests go to it at once now, of the most it would get.
		assertThat(browser.findElement(By.id("concurrency")).getText()).matches("\\d+ of up to 16");
		delivery.findElement(By.tagName("a")).click();
		assertThat(browser.findElement(By.cssSelector(".attempt .request-body")).getText()).contains("\"chat.assigned\"")
			.contains("John Doe");
		browser.findElement(By.cssSelector(".attempt details summary")).click();
		assertThat(browser.findElement(By.cssSelector(".attempt .request-headers")).getText()).contains("webhook-signature");
		// Bodies are laid out for reading.
		assertThat(browser.findElement(By.cssSelector(".attempt .response-body")).getText()).contains("\"ok\" : true");
		browser.findElement(By.id("resend")).click();
		wait.until(d -> {
			d.navigate().refresh();
			return d.findElements(By.cssSelector(".attempt")).size() == 2;
		});
		assertThat(browser.findElement(By.id("attempt-count")).getText()).isEqualTo("2");
		Browser.screenshot(browser, "07-delivery");

		// Send test event shows its result inline.
		browser.navigate().back();
		browser.navigate().back();
		browser.navigate().refresh();
		receiver.enqueue(new MockResponse.Builder().code(204).build());
		browser.findElement(By.id("send-test")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#test-result .pill"))).getText())
			.isEqualTo("success");

		Browser.width(browser, 390);
		browser.findElement(By.id("nav-inbox")).click();
		Browser.screenshot(browser, "08-inbox-390px");
		assertThat(browser.findElement(By.id("chats")).isDisplayed()).isTrue();
		assertThat(errors()).isEmpty();
	}

	@Test
	void aNewUserCatchesTheAssignmentWebhookInBotStudioAndMapsIt() {
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));

		// Bot Studio: a bot with an On Webhook trigger, its URL, and Capture Response.
		browser.findElement(By.id("nav-studio")).click();
		browser.findElement(By.id("bot-name")).sendKeys("Lead owner sync");
		browser.findElement(By.id("create-bot")).click();
		String hookUrl = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hook-url"))).getAttribute("value");
		assertThat(hookUrl).startsWith(base + "/hooks/");
		String botPage = browser.getCurrentUrl();
		browser.findElement(By.id("start-capture")).click();
		WebElement waiting = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("capture-waiting")));
		wait.until(d -> waiting.getText().matches("(?s).*[12]:\\d\\d left.*"));
		Browser.screenshot(browser, "10-studio-capturing");

		// Settings → Webhooks: "Chat Assigned to Agent" to the bot's URL.
		browser.findElement(By.id("nav-webhooks")).click();
		browser.findElement(By.id("new-webhook")).click();
		browser.findElement(By.id("name")).sendKeys("Bot Studio");
		browser.findElement(By.id("url")).sendKeys(hookUrl);
		browser.findElement(By.id("save-webhook")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created-title")));
		String webhookPage = browser.findElement(By.id("open-webhook")).getAttribute("href");

		// The inbox: assign the chat.
		browser.findElement(By.id("nav-inbox")).click();
		browser.findElement(By.linkText("Rohan Mehta")).click();
		new Select(browser.findElement(By.id("assign-to"))).selectByVisibleText("John Doe");
		browser.findElement(By.id("assign")).click();
		wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "John Doe"));

		// Back in Bot Studio the request is there: tree, fields, and a click maps each field.
		browser.get(botPage);
		wait.until(d -> {
			d.navigate().refresh();
			return !d.findElements(By.id("capture-done")).isEmpty();
		});
		assertThat(browser.findElement(By.cssSelector("ul.tree")).getText()).contains("chat.assigned").contains("John Doe");
		Browser.screenshot(browser, "11-studio-captured");
		map("/body/data/customerPhone", "customerNumber");
		map("/body/data/assignedUserName", "agentName");
		map("/body/data/assignedUserEmail", "agentEmail");
		map("/body/data/assignedUserPhone", "agentPhone");
		map("/body/data/wabaNumber", "businessNumber");
		wait.until(d -> d.findElements(By.cssSelector("#variables tr[data-variable]")).size() == 5);
		assertThat(value("customerNumber")).isEqualTo("\"+919111222333\"");
		assertThat(value("agentName")).isEqualTo("\"John Doe\"");
		assertThat(value("agentEmail")).isEqualTo("\"john@company.com\"");
		assertThat(value("businessNumber")).isEqualTo("\"+919000000000\"");
		Browser.screenshot(browser, "12-studio-mapped");

		// The webhook's log has the delivery to the bot, with its request and response; resend it.
		browser.get(webhookPage);
		WebElement delivery = wait.until(d -> {
			d.navigate().refresh();
			List<WebElement> rows = d.findElements(By.cssSelector("#deliveries tr[data-delivery]"));
			return rows.isEmpty() || !rows.getFirst().getText().contains("succeeded") ? null : rows.getFirst();
		});
		delivery.findElement(By.tagName("a")).click();
		assertThat(browser.findElement(By.cssSelector(".attempt .response-body")).getText()).contains("\"captured\" : true");
		assertThat(browser.findElement(By.cssSelector(".attempt .request-body")).getText()).contains("assignedUserEmail");
		browser.findElement(By.id("resend")).click();
		wait.until(d -> {
			d.navigate().refresh();
			return d.findElements(By.cssSelector(".attempt")).size() == 2;
		});
		// The bot is a draft that is no longer capturing: it says so, and the log shows that answer too.
		assertThat(browser.findElements(By.cssSelector(".attempt .response-body")).get(1).getText()).contains("bot_not_active");
		Browser.screenshot(browser, "13-delivery-resent");

		// At a phone's width the pages fit: nothing runs off the side.
		Browser.width(browser, 390);
		for (String page : List.of(botPage, webhookPage, base + "/inbox", base + "/settings/team")) {
			browser.get(page);
			Object culprits = browser.executeScript("""
					const width = document.documentElement.clientWidth;
					return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
					  .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');""");
			assertThat(culprits).as("elements running off the side of " + page + " at 390 px").isEqualTo("");
		}
		browser.get(botPage);
		Browser.screenshot(browser, "17-studio-390px");
		assertThat(errors()).isEmpty();
	}

	private void map(String pointer, String name) {
		WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#fields tr[data-pointer='" + pointer + "']")));
		WebElement input = row.findElement(By.name("name"));
		input.clear();
		input.sendKeys(name);
		row.findElement(By.tagName("button")).click();
		wait.until(d -> !d.findElements(By.cssSelector("#variables tr[data-variable='" + name + "']")).isEmpty());
	}

	private String value(String variable) {
		return browser.findElement(By.cssSelector("#variables tr[data-variable='" + variable + "'] .value")).getText();
	}

	@Test
	void changesMadeElsewhereAppearWithoutReload() {
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		browser.findElement(By.linkText("Rohan Mehta")).click();
		wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "Nobody"));
		WebElement marker = browser.findElement(By.tagName("h1"));

		// A bot workflow assigns the chat, through the API of the inbox, not this page.
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), io.handoff.inbox.ChatService.Origin.botWorkflow("bot_live", "Router"));
		wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "John Doe"));
		assertThat(browser.findElement(By.id("history")).getText()).contains("Router (bot_workflow)");
		assertThat(marker.isDisplayed()).as("the page was not reloaded").isTrue();

		browser.findElement(By.id("nav-inbox")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chats"), "John Doe"));
		chats.assign(ws.id(), ws.chat().id(), ws.rahul().id(), io.handoff.inbox.ChatService.Origin.api("key_live", "CRM sync"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chats"), "Rahul Verma"));
		assertThat(errors()).isEmpty();
	}

	@Test
	void teamNumbersAndApiKeysAreManagedInTheBrowser() {
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		browser.findElement(By.id("nav-team")).click();

		browser.findElement(By.id("member-name")).sendKeys("Meera Iyer");
		browser.findElement(By.id("member-email")).sendKeys("meera@company");
		browser.findElement(By.id("add-member")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("member-email-error"))).getText())
			.contains("email");
		assertThat(browser.findElement(By.id("member-name")).getAttribute("value")).isEqualTo("Meera Iyer");
		browser.findElement(By.id("member-email")).clear();
		browser.findElement(By.id("member-email")).sendKeys("meera@company.com");
		new Select(browser.findElement(By.id("member-role"))).selectByVisibleText("Team Member");
		new Select(browser.findElement(By.id("role-" + ws.support().id()))).selectByVisibleText("Team Member");
		browser.findElement(By.id("add-member")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("members"), "meera@company.com"));

		// Rahul becomes a Team Lead on Support; his row says so after saving.
		WebElement rahul = browser.findElements(By.cssSelector("#members tr")).stream()
			.filter(r -> r.getText().contains("rahul@company.com")).findFirst().orElseThrow();
		rahul.findElement(By.tagName("summary")).click();
		new Select(rahul.findElement(By.id("role-" + ws.rahul().id() + "-" + ws.support().id()))).selectByVisibleText("Team Lead");
		rahul.findElement(By.cssSelector(".member-roles button")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash"), "Roles saved"));
		assertThat(team.member(ws.id(), ws.rahul().id(), "id").numberRoles()).anyMatch(r -> r.role().equals("Team Lead"));

		browser.findElement(By.id("number")).sendKeys("12345");
		browser.findElement(By.id("display-name")).sendKeys("Acme Billing");
		browser.findElement(By.id("add-number")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("number-error"))).getText()).isNotBlank();
		browser.findElement(By.id("number")).clear();
		browser.findElement(By.id("number")).sendKeys("+91 90000 00009");
		browser.findElement(By.id("add-number")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("numbers"), "+919000000009"));

		browser.findElement(By.id("key-name")).sendKeys("Zapier");
		browser.findElement(By.id("create-key")).click();
		String key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key"))).getAttribute("value");
		assertThat(key).startsWith("hk_");
		Browser.screenshot(browser, "14-team");
		browser.navigate().refresh();
		assertThat(browser.getPageSource()).as("a key is shown once").doesNotContain(key);
		assertThat(errors()).isEmpty();
	}

	@Test
	void connectionsTemplatesStepFormsAndTheRunLog() throws Exception {
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));

		browser.findElement(By.id("nav-connections")).click();
		// The form shows the chosen type's fields only.
		assertThat(browser.findElement(By.id("settings-instance")).isDisplayed()).isFalse();
		assertThat(browser.findElement(By.id("secrets-key")).isDisplayed()).isFalse();
		new Select(browser.findElement(By.id("connection-type"))).selectByValue("salesforce");
		assertThat(browser.findElement(By.id("settings-instance")).isDisplayed()).isTrue();
		new Select(browser.findElement(By.id("connection-type"))).selectByValue("hubspot");
		assertThat(browser.findElement(By.id("settings-instance")).isDisplayed()).isFalse();
		browser.findElement(By.id("connection-name")).sendKeys("HubSpot");
		browser.findElement(By.id("save-connection")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-error"))).getText())
			.contains("required");
		browser.findElement(By.id("secrets-token")).sendKeys("pat-na1-browser-token");
		browser.findElement(By.id("settings-base")).sendKeys(receiver.url("/").toString());
		browser.findElement(By.id("save-connection")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("connections"), "hubspot"));
		assertThat(browser.getPageSource()).doesNotContain("pat-na1-browser-token");
		Browser.screenshot(browser, "15-connections");

		// The template makes the whole CRM bot in one click.
		browser.findElement(By.id("nav-studio")).click();
		browser.findElement(By.id("use-template")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("steps"), "the chat's agent becomes the owner"));
		assertThat(new Select(browser.findElement(By.id("bot-status"))).getFirstSelectedOption().getText()).isEqualTo("active");
		assertThat(browser.findElement(By.id("variables")).getText()).contains("customerNumber").contains("agentEmail");

		// A bot of our own with an HTTP Request step from its form.
		browser.findElement(By.id("nav-studio")).click();
		browser.findElement(By.id("bot-name")).sendKeys("Forwarder");
		browser.findElement(By.id("create-bot")).click();
		String hookUrl = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hook-url"))).getAttribute("value");
		WebElement http = browser.findElement(By.id("http-step"));
		http.findElement(By.name("config.url")).sendKeys(receiver.url("/forward").toString());
		browser.findElement(By.id("add-http-step")).click();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("steps"), "HTTP Request"));
		new Select(browser.findElement(By.id("bot-status"))).selectByVisibleText("active");
		browser.findElement(By.id("save-status")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".flash")));

		receiver.enqueue(new MockResponse.Builder().code(201).body("{\"id\": \"F-1\"}").build());
		receiver.enqueue(new MockResponse.Builder().code(201).body("{\"id\": \"F-2\"}").build());
		var sent = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hookUrl))
			.header("Content-Type", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"hello\": \"world\"}"))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(sent.statusCode()).isEqualTo(202);
		WebElement run = wait.until(d -> {
			d.navigate().refresh();
			List<WebElement> rows = d.findElements(By.cssSelector("#runs a"));
			return rows.isEmpty() || !d.findElement(By.id("runs")).getText().contains("succeeded") ? null : rows.getFirst();
		});
		run.click();
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("1. HTTP Request").contains("201");
		Browser.screenshot(browser, "16-run");
		browser.findElement(By.id("rerun")).click();
		wait.until(d -> {
			d.navigate().refresh();
			return d.findElement(By.id("run-status")).getText().equals("succeeded");
		});
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("F-2");
		assertThat(errors()).isEmpty();
	}

	@Test
	void tryAMessageOnAnAiBot() {
		var api = ws.api();
		String bot = api.post("/api/v1/bots", "{\"name\": \"Triage\"}").json().get("id").asString();
		var saved = api.put("/api/v1/bots/" + bot + "/steps", """
				[{"type": "ai_bot", "config": {"intents": [
				  {"name": "sales", "examples": ["what is the price", "price kya hai", "I want to buy"]},
				  {"name": "support", "examples": ["app not working", "login nahi ho raha", "error on upload"]}],
				  "fallback": {"strategy": "round_robin", "pool": ["%s"]}}}]""".formatted(ws.anita().id()));
		assertThat(saved.status()).as(saved.body()).isEqualTo(200);
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		browser.get(base + "/studio/bots/" + bot);
		browser.findElement(By.id("try-text")).sendKeys("price kya hai bhai");
		browser.findElement(By.id("try-message")).click();
		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tried-intent"))).getText()).isEqualTo("sales");
		assertThat(browser.findElement(By.id("try-result")).getText()).contains("Anita Rao");
		Browser.screenshot(browser, "18-ai-try");
		assertThat(errors()).isEmpty();
	}

	@Test
	void rolesHoldInTheBrowser() {
		browser.get(base + "/login");
		signIn("rahul@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		assertThat(browser.findElements(By.id("nav-webhooks"))).isEmpty();
		browser.get(base + "/settings/webhooks");
		assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("Not allowed");
		Browser.screenshot(browser, "09-team-member-settings");
		browser.get(base + "/no-such-page");
		assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("Not found");
		browser.get(base + "/inbox");
		browser.findElement(By.id("sign-out")).click();
		wait.until(ExpectedConditions.urlContains("/login"));

		// Sara sees only the chats assigned to her: none on Support, so Rohan's chat is not listed or reachable.
		signIn("sara@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		assertThat(browser.findElement(By.id("chats")).getText()).doesNotContain("Rohan Mehta").contains("No chats here");
		browser.get(base + "/inbox/chats/" + ws.chat().id());
		assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("Not Found");
	}

	@Test
	void stepsAreEditedReorderedAndDeletedAndEveryDestructiveActionAsksFirst() {
		var api = ws.api();
		String bot = api.post("/api/v1/bots", "{\"name\": \"Order sync\", \"trigger\": \"webhook\"}").json().get("id")
			.asString();
		var steps = api.put("/api/v1/bots/" + bot + "/steps", """
				[{"type": "http_request", "config": {"method": "POST", "url": "https://example.com/first"}},
				 {"type": "assign_agent", "config": {"strategy": "round_robin", "pool": ["%s", "%s"]}}]"""
			.formatted(ws.anita().id(), ws.john().id()));
		assertThat(steps.status()).as(steps.body()).isEqualTo(200);
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));

		browser.get(base + "/studio/bots/" + bot);
		// Steps read as what they do, with names, not as settings.
		List<WebElement> cards = browser.findElements(By.cssSelector(".step-card"));
		assertThat(cards).extracting(WebElement::getText).satisfiesExactly(
				first -> assertThat(first).contains("HTTP Request").contains("POST https://example.com/first"),
				second -> assertThat(second).contains("Assign Agent").contains("In turn over Anita Rao, John Doe"));
		assertThat(browser.findElement(By.id("steps")).getText()).doesNotContain("{").doesNotContain("usr_");
		Browser.screenshot(browser, "steps-01-cards");

		// Reorder.
		cards.get(0).findElement(By.cssSelector(".move-down")).click();
		// The page reloads: until it has, there may be no card at all.
		wait.until(d -> d.findElements(By.cssSelector(".step-card")).stream().findFirst()
			.map(card -> card.getText().contains("Assign Agent"))
			.orElse(false));

		// Edit the HTTP step in its own form.
		WebElement http = browser.findElements(By.cssSelector(".step-card")).get(1);
		http.findElement(By.cssSelector("details.edit-step summary")).click();
		new Select(http.findElement(By.name("config.method"))).selectByVisibleText("PUT");
		WebElement url = http.findElement(By.name("config.url"));
		url.clear();
		url.sendKeys("https://example.com/second");
		http.findElement(By.cssSelector(".save-step")).click();
		wait.until(d -> d.findElement(By.id("steps")).getText().contains("PUT https://example.com/second"));

		// And Assign Agent in its own: one member instead of the pool.
		WebElement assign = browser.findElements(By.cssSelector(".step-card")).get(0);
		assign.findElement(By.cssSelector("details.edit-step summary")).click();
		new Select(assign.findElement(By.name("strategy"))).selectByValue("member");
		Select members = new Select(assign.findElement(By.name("pool")));
		members.deselectAll();
		members.selectByVisibleText("Rahul Verma");
		assign.findElement(By.cssSelector(".save-step")).click();
		wait.until(d -> d.findElement(By.id("steps")).getText().contains("To Rahul Verma"));

		// Delete asks first: dismissed, nothing happens; accepted, the step goes.
		browser.findElements(By.cssSelector(".step-card")).get(1).findElement(By.cssSelector(".delete-step")).click();
		browser.switchTo().alert().dismiss();
		assertThat(browser.findElements(By.cssSelector(".step-card"))).hasSize(2);
		browser.findElements(By.cssSelector(".step-card")).get(1).findElement(By.cssSelector(".delete-step")).click();
		assertThat(browser.switchTo().alert().getText()).contains("Delete the step HTTP Request");
		browser.switchTo().alert().accept();
		wait.until(d -> d.findElements(By.cssSelector(".step-card")).size() == 1);

		// Regenerate URL asks first.
		String hookUrl = browser.findElement(By.id("hook-url")).getAttribute("value");
		browser.findElement(By.id("regenerate-url")).click();
		browser.switchTo().alert().dismiss();
		assertThat(browser.findElement(By.id("hook-url")).getAttribute("value")).isEqualTo(hookUrl);
		browser.findElement(By.id("regenerate-url")).click();
		browser.switchTo().alert().accept();
		wait.until(d -> !d.findElement(By.id("hook-url")).getAttribute("value").equals(hookUrl));

		// A new webhook, then a reload of the page that says it is active: still one webhook.
		browser.get(base + "/settings/webhooks/new");
		browser.findElement(By.id("name")).sendKeys("Reload check");
		browser.findElement(By.id("url")).sendKeys("https://crm.example.com/hooks/reload");
		browser.findElement(By.id("save-webhook")).click();
		wait.until(d -> d.findElement(By.id("created-title")).getText().contains("now active"));
		assertThat(browser.findElement(By.id("secret")).getAttribute("value")).startsWith("whsec_");
		browser.navigate().refresh();
		assertThat(browser.findElement(By.id("created-title")).getText()).contains("now active");
		assertThat(browser.findElements(By.id("secret"))).isEmpty();
		assertThat(api.get("/api/v1/webhooks").json().get("data").valueStream()
			.filter(w -> w.get("name").asString().equals("Reload check")).count()).isEqualTo(1);

		// The webhook's page names its numbers; deleting it asks first.
		browser.findElement(By.id("open-webhook")).click();
		assertThat(browser.findElement(By.id("endpoint-numbers")).getText()).isEqualTo("All, including numbers added later");
		browser.findElement(By.id("delete-webhook")).click();
		browser.switchTo().alert().dismiss();
		assertThat(browser.getCurrentUrl()).contains("/settings/webhooks/ep_");
		browser.findElement(By.id("delete-webhook")).click();
		browser.switchTo().alert().accept();
		wait.until(d -> d.findElement(By.id("flash")).getText().contains("Deleted the webhook Reload check"));

		// Revoking a key asks first.
		api.post("/api/v1/api-keys", "{\"name\": \"Zapier\"}");
		browser.get(base + "/settings/team");
		By revoke = By.xpath("//tr[td[1][text()='Zapier']]//button[contains(@class, 'revoke-key')]");
		browser.findElement(revoke).click();
		browser.switchTo().alert().dismiss();
		assertThat(browser.findElements(revoke)).hasSize(1);
		browser.findElement(revoke).click();
		browser.switchTo().alert().accept();
		wait.until(d -> d.findElements(revoke).isEmpty());

		// Deleting the bot asks first.
		browser.get(base + "/studio/bots/" + bot);
		browser.findElement(By.id("delete-bot")).click();
		browser.switchTo().alert().accept();
		wait.until(d -> d.findElement(By.id("flash")).getText().contains("Deleted the bot Order sync"));
		assertThat(api.get("/api/v1/bots/" + bot).status()).isEqualTo(404);
	}

	@Test
	void viewResponseDataUpdatesInPlaceAndMapsTheRecommendedFields() throws Exception {
		var api = ws.api();
		var bot = api.post("/api/v1/bots", "{\"name\": \"Mapper\", \"trigger\": \"webhook\"}").json();
		String id = bot.get("id").asString();
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));
		browser.get(base + "/studio/bots/" + id);

		// Stop ends a capture at once.
		browser.findElement(By.id("start-capture")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stop-capture"))).click();
		wait.until(d -> d.findElements(By.id("capture-waiting")).isEmpty());

		// A capture that arrives while the page is open fills in View Response Data where it is, once.
		browser.findElement(By.id("start-capture")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("capture-waiting")));
		var sent = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create(bot.at("/trigger/hookUrl").asString()))
			.header("Content-Type", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString(Api.parse(api.get("/api/v1/event-types").body())
				.at("/data/0/example").toString()))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(sent.statusCode()).isEqualTo(202);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("capture-done")));
		wait.until(d -> !d.findElements(By.cssSelector("#fields tr")).isEmpty());
		assertThat(browser.findElements(By.cssSelector("section#data"))).hasSize(1);
		assertThat(browser.findElements(By.id("fields"))).hasSize(1);
		assertThat(browser.findElements(By.id("variables"))).hasSize(1);
		assertThat(browser.findElement(By.id("capture")).findElements(By.id("fields"))).isEmpty();

		// The fields people map first come first.
		List<WebElement> rows = browser.findElements(By.cssSelector("#fields tr"));
		assertThat(rows.getFirst().getAttribute("data-pointer")).isEqualTo("/body/data/customerName");
		assertThat(rows.getFirst().getText()).contains("recommended");
		Browser.screenshot(browser, "studio-fields");

		// Search narrows the list.
		browser.findElement(By.id("field-search")).sendKeys("phone");
		assertThat(browser.findElements(By.cssSelector("#fields tr")).stream().filter(WebElement::isDisplayed)
			.map(r -> r.getAttribute("data-pointer"))).allMatch(p -> p.toLowerCase().contains("phone"))
			.contains("/body/data/customerPhone");
		browser.findElement(By.id("field-search")).clear();
		browser.findElement(By.id("field-search")).sendKeys(" ");
		browser.findElement(By.id("field-search")).clear();

		// Map recommended names them as the CRM and Sheets steps expect.
		browser.findElement(By.id("map-recommended")).click();
		wait.until(d -> d.findElements(By.cssSelector("#variables tr[data-variable]")).size() >= 7);
		assertThat(browser.findElements(By.cssSelector("#variables tr[data-variable]")))
			.extracting(r -> r.getAttribute("data-variable"))
			.contains("customerName", "customerNumber", "agentName", "agentPhone", "agentEmail", "businessNumber", "chatId");

		// Reusing a name asks instead of moving it silently, next to the row.
		WebElement row = browser.findElement(By.cssSelector("#fields tr[data-pointer='/body/data/customer/name']"));
		WebElement name = row.findElement(By.name("name"));
		name.clear();
		name.sendKeys("customerName");
		row.findElement(By.cssSelector("button.secondary")).click();
		WebElement error = wait.until(d -> d.findElement(By.cssSelector(
				"#fields tr[data-pointer='/body/data/customer/name'] .row-error")));
		assertThat(error.getText()).contains("already takes /body/data/customerName");
		assertThat(browser.findElement(By.cssSelector("#variables tr[data-variable='customerName'] code")).getText())
			.isEqualTo("/body/data/customerName");
		assertThat(errors()).isEmpty();
	}

	@Test
	void aWebhookIsSetUpAndWatchedLikeInAWebhookPortal() throws Exception {
		receiver.setDispatcher(new mockwebserver3.Dispatcher() {
			@Override
			public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
				return new MockResponse.Builder().code(200).body("{\"ok\": true}").build();
			}
		});
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));

		// The event catalog says what each event is, with an example.
		browser.get(base + "/settings/webhooks");
		browser.findElement(By.id("event-catalog")).click();
		WebElement assigned = browser.findElement(By.cssSelector(".event-type[data-event='chat.assigned']"));
		assertThat(assigned.getText()).contains("Chat Assigned to Agent");
		assertThat(assigned.findElement(By.cssSelector(".event-example")).getText()).contains("\"assignedUserEmail\"");

		// New Webhook with order, authorization, a header and a rate limit.
		browser.get(base + "/settings/webhooks/new");
		browser.findElement(By.id("name")).sendKeys("Portal");
		browser.findElement(By.id("url")).sendKeys(receiver.url("/portal").toString());
		browser.findElement(By.cssSelector("#more-settings summary")).click();
		new Select(browser.findElement(By.id("ordering"))).selectByValue("per_chat");
		new Select(browser.findElement(By.id("authType"))).selectByValue("bearer");
		browser.findElement(By.id("authSecret")).sendKeys("portal-token");
		browser.findElement(By.id("headers")).sendKeys("X-Team: support");
		browser.findElement(By.id("rateLimit")).sendKeys("5");
		browser.findElement(By.id("save-webhook")).click();
		wait.until(d -> d.findElement(By.id("created-title")).getText().contains("now active"));
		browser.findElement(By.id("open-webhook")).click();
		String endpoint = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
		var saved = ws.api().get("/api/v1/webhooks/" + endpoint).json();
		assertThat(saved.get("ordering").asString()).isEqualTo("per_chat");
		assertThat(saved.at("/auth/type").asString()).isEqualTo("bearer");
		assertThat(saved.get("rateLimitPerSecond").asInt()).isEqualTo(5);
		assertThat(saved.get("headers").has("X-Team")).isTrue();
		assertThat(browser.findElement(By.id("health-none")).getText()).contains("No attempts");

		// A test of another event type, sent with the endpoint's authorization and header.
		new Select(browser.findElement(By.id("test-event-type"))).selectByValue("chat.unassigned");
		browser.findElement(By.id("send-test")).click();
		wait.until(d -> d.findElement(By.id("test-result")).getText().contains("success"));
		var request = receiver.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer portal-token");
		assertThat(request.getHeaders().get("X-Team")).isEqualTo("support");
		assertThat(Api.parse(request.getBody().utf8()).get("type").asString()).isEqualTo("chat.unassigned");
		String eventId = request.getHeaders().get("webhook-id");

		// Its last 24 hours, and a delivery log searched by event and by chat.
		browser.navigate().refresh();
		assertThat(browser.findElement(By.id("health-summary")).getText()).contains("100.0%").contains("of 1 attempt succeeded");
		browser.findElement(By.id("eventId")).sendKeys(eventId);
		browser.findElement(By.id("eventId")).submit();
		wait.until(d -> d.findElements(By.cssSelector("#deliveries tr[data-delivery]")).size() == 1);
		browser.findElement(By.id("eventId")).clear();
		browser.findElement(By.id("chatId")).sendKeys("chat_none");
		browser.findElement(By.id("chatId")).submit();
		wait.until(d -> d.findElements(By.cssSelector("#deliveries tr[data-delivery]")).isEmpty());

		// Editing without typing the token again keeps it.
		browser.findElement(By.id("edit-webhook")).click();
		browser.findElement(By.id("name")).clear();
		browser.findElement(By.id("name")).sendKeys("Portal (renamed)");
		browser.findElement(By.id("save-webhook")).click();
		wait.until(d -> d.findElement(By.tagName("h1")).getText().equals("Portal (renamed)"));
		saved = ws.api().get("/api/v1/webhooks/" + endpoint).json();
		assertThat(saved.at("/auth/type").asString()).isEqualTo("bearer");
		assertThat(saved.get("rateLimitPerSecond").asInt()).isEqualTo(5);
		assertThat(saved.get("headers").has("X-Team")).isTrue();
		Browser.screenshot(browser, "webhook-portal");
		assertThat(errors()).isEmpty();
	}

	@Test
	void pagesShowNamesNotInternalIds() {
		var api = ws.api();
		String bot = api.post("/api/v1/bots", "{\"name\": \"Names\", \"trigger\": \"webhook\"}").json().get("id")
			.asString();
		String connection = api.post("/api/v1/connections", """
				{"type": "hubspot", "name": "HubSpot", "secrets": {"token": "pat-na1-names"}}""").json().get("id").asString();
		api.put("/api/v1/bots/" + bot + "/steps", """
				[{"type": "crm_set_owner", "config": {"connectionId": "%s"}},
				 {"type": "assign_agent", "config": {"strategy": "member", "memberId": "%s"}}]"""
			.formatted(connection, ws.john().id()));
		String endpoint = api.post("/api/v1/webhooks", """
				{"name": "Support only", "url": "https://crm.example.com/hooks/support", "eventTypes": ["chat.assigned"],
				 "businessNumbers": ["%s"]}""".formatted(ws.support().id())).json().at("/endpoint/id").asString();
		browser.get(base + "/login");
		signIn("anita@company.com", PASSWORD);
		wait.until(ExpectedConditions.urlContains("/inbox"));

		java.util.regex.Pattern internal = java.util.regex.Pattern.compile("\\b(num|usr|conn)_[0-9A-Z]{20,}");
		for (String page : List.of("/inbox", "/inbox/chats/" + ws.chat().id(), "/studio", "/studio/bots/" + bot,
				"/settings/webhooks", "/settings/webhooks/" + endpoint, "/settings/connections", "/settings/team")) {
			browser.get(base + page);
			String visible = browser.findElement(By.tagName("main")).getText();
			assertThat(internal.matcher(visible).find()).as(page + " shows an internal id:\n" + visible).isFalse();
		}
		browser.get(base + "/settings/webhooks/" + endpoint);
		assertThat(browser.findElement(By.id("endpoint-numbers")).getText()).isEqualTo("Acme Support (+919000000000)");
		assertThat(browser.findElement(By.id("endpoint-events")).getText()).isEqualTo("Chat Assigned to Agent");
	}

	private void signIn(String email, String password) {
		browser.findElement(By.id("email")).clear();
		browser.findElement(By.id("email")).sendKeys(email);
		browser.findElement(By.id("password")).sendKeys(password);
		browser.findElement(By.id("sign-in")).click();
	}

	private List<String> errors() {
		return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
			.filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}
}
