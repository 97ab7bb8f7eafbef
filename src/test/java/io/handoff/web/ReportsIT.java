package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.Member;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Browser;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * The Reports page in headless Chromium: the period in the viewer's zone (the page asks for it), each agent's
 * figures, the chart of assignments per day, the CSV export, and the live feed taking in an assignment made
 * elsewhere.
 */
@IntegrationTest
class ReportsIT {

	static final String PASSWORD = "harbor-lantern-73-quill";

	@Autowired
	Fixtures fixtures;

	@Autowired
	TeamService team;

	@Autowired
	ChatService chats;

	@Autowired
	CustomerService customers;

	@Autowired
	MessageService messages;

	@Autowired
	Environment environment;

	Fixtures.Workspace ws;

	Member lead;

	ChromeDriver browser;

	WebDriverWait wait;

	String base;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		lead = team.createMember(ws.id(), new TeamService.MemberDetails("Meher Lead",
				"meher." + ws.id().value().toLowerCase() + "@company.com", null, Role.TEAM_LEAD, Map.of()));
		team.setPassword(ws.id(), lead.id(), PASSWORD);
		base = "http://localhost:" + environment.getProperty("local.server.port");
		browser = Browser.start();
		wait = new WebDriverWait(browser, Duration.ofSeconds(15));
		wait.ignoring(org.openqa.selenium.WebDriverException.class);
	}

	@AfterEach
	void tearDown() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void aLeadReadsTheTeamsFiguresChartAndFeedAndExportsThem() {
		ChatService.Origin byLead = ChatService.Origin.manual(lead.id(), lead.name());
		for (int i = 0; i < 3; i++) {
			Chat chat = chat("+91981110030" + i, "Customer " + i);
			chats.assign(ws.id(), chat.id(), ws.john().id(), i == 0 ? ChatService.Origin.aiBot("bot_x", "Triage") : byLead);
			if (i == 2) {
				chats.assign(ws.id(), chat.id(), ws.rahul().id(), byLead);
				chats.changeStatus(ws.id(), chat.id(), Chat.Status.CLOSED, byLead);
			}
		}

		browser.get(base + "/login");
		browser.findElement(By.id("email")).sendKeys(lead.email());
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.id("sign-in")).click();
		wait.until(ExpectedConditions.urlContains("/inbox"));
		browser.findElement(By.id("nav-reports")).click();
		// The page asks again with the browser's time zone.
		wait.until(ExpectedConditions.urlContains("zone="));
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("agents")));
		Object zone = browser.executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone");
		assertThat(browser.findElement(By.id("report-period")).getText()).contains(zone.toString());

		String john = browser.findElement(By.cssSelector("#agents tr[data-member='" + ws.john().id() + "']")).getText();
		assertThat(john).contains("John Doe").contains("3").contains("2 manual · 0 bot · 1 AI · 0 API");
		assertThat(browser.findElement(By.cssSelector("#agents tr[data-member='" + ws.john().id() + "'] .reassigned"))
			.getText()).isEqualTo("1");
		assertThat(browser.findElement(By.cssSelector("#agents tr[data-member='" + ws.rahul().id() + "'] .resolved"))
			.getText()).isEqualTo("1");
		assertThat(browser.findElements(By.cssSelector("#daily svg g.day"))).hasSize(7);
		assertThat(browser.findElements(By.cssSelector("#daily svg g.day")).getLast().getAttribute("data-total"))
			.isEqualTo("4");
		assertThat(browser.findElement(By.cssSelector("#daily .legend")).getText()).contains("John Doe").contains("Rahul Verma");
		Browser.screenshot(browser, "reports-01");

		String href = browser.findElement(By.id("export-csv")).getAttribute("href");
		Object csv = browser.executeAsyncScript(
				"fetch(arguments[0]).then(r => r.text().then(t => arguments[1](r.headers.get('content-type') + '\\n' + t)))", href);
		assertThat(csv.toString()).startsWith("text/csv").contains("agent,email,assigned,")
			.contains("John Doe,john@company.com,3,2,0,1,0,1,0,");

		// Assignments made elsewhere appear in the live feed, the last of a quick pair too: its refresh is asked
		// for while the first one's is still in flight.
		Chat late = chat("+919811100399", "Late Customer");
		chats.assign(ws.id(), late.id(), ws.anita().id(), ChatService.Origin.api("key_1", "CRM"));
		chats.assign(ws.id(), late.id(), ws.rahul().id(), ChatService.Origin.api("key_1", "CRM"));
		wait.until(d -> d.findElement(By.id("feed")).getText().contains("from Anita Rao to Rahul Verma"));
		assertThat(browser.findElement(By.id("feed")).getText()).contains("Late Customer").contains("to Anita Rao")
			.contains("(api)");
	}

	private Chat chat(String phone, String name) {
		var customer = customers.create(ws.id(), name, phone);
		Chat chat = chats.open(ws.id(), ws.support().id(), customer.id());
		messages.recordInbound(ws.id(), new MessageService.Inbound(ws.support(), phone, name, "wamid.r." + phone
				+ System.nanoTime(), "text", "hello", Instant.now()));
		return chat;
	}
}
