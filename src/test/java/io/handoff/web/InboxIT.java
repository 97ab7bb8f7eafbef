package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.Member;
import io.handoff.inbox.MemberId;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Browser;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * The inbox as an agent works in it, in headless Chromium: tabs Mine / Unassigned / All, the last message of each chat
 * and the most recent activity first, search by name or phone, resolve and reopen, and the availability in the header
 * that "online members only" routing goes by.
 */
@IntegrationTest
class InboxIT {

	static final String PASSWORD = "tidal-compass-58-ember";

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

	@Autowired
	org.springframework.jdbc.core.simple.JdbcClient jdbc;

	Fixtures.Workspace ws;

	Member kavya;

	ChromeDriver browser;

	WebDriverWait wait;

	String base;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		// A Team Member whose email no other test workspace has, so that signing in finds her.
		kavya = team.createMember(ws.id(), new TeamService.MemberDetails("Kavya Nair",
				"kavya." + ws.id().value().toLowerCase() + "@company.com", null, Role.TEAM_MEMBER,
				Map.of(ws.support().id(), Role.TEAM_MEMBER)));
		team.setPassword(ws.id(), kavya.id(), PASSWORD);
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
	void anAgentWorksTheirChatsFromTheInbox() {
		ChatService.Origin lead = ChatService.Origin.manual(ws.anita().id(), "Anita Rao");
		// Meera's chat is Kavya's and has her last message; Arjun wrote later and is nobody's yet; Rohan's (the
		// fixture's) is older and unassigned.
		Chat meera = chats.open(ws.id(), ws.support().id(), customers.create(ws.id(), "Meera Iyer", "+919811100001").id());
		chats.assign(ws.id(), meera.id(), kavya.id(), lead);
		message("+919811100001", "Meera Iyer", "Where is my order #4471?", Instant.now().minusSeconds(60));
		message("+919811100002", "Arjun Mehta", "Do you deliver to Pune?", Instant.now());

		browser.get(base + "/login");
		browser.findElement(By.id("email")).sendKeys(kavya.email());
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.id("sign-in")).click();
		wait.until(ExpectedConditions.urlContains("/inbox"));
		// Using the console is what auto-away goes by.
		assertThat(jdbc.sql("SELECT last_seen_at FROM members WHERE id = :id").param("id", kavya.id().value())
			.query(java.time.OffsetDateTime.class)
			.single()).isAfter(java.time.OffsetDateTime.now().minusMinutes(1));

		// All: the most recent activity first, each with its last message.
		List<String> all = rows();
		assertThat(all).hasSize(3);
		assertThat(all.get(0)).contains("Arjun Mehta").contains("Do you deliver to Pune?").contains("Unassigned");
		assertThat(all.get(1)).contains("Meera Iyer").contains("Where is my order #4471?").contains("Kavya Nair");
		assertThat(all.get(2)).contains("Rohan Mehta");
		Browser.screenshot(browser, "inbox-01-all");

		browser.findElement(By.id("tab-mine")).click();
		wait.until(ExpectedConditions.attributeContains(By.id("tab-mine"), "class", "active"));
		assertThat(rows()).singleElement().asString().contains("Meera Iyer");

		browser.findElement(By.id("tab-unassigned")).click();
		wait.until(ExpectedConditions.attributeContains(By.id("tab-unassigned"), "class", "active"));
		assertThat(rows()).hasSize(2).noneMatch(r -> r.contains("Meera"));

		// Search by a part of the name, any case, or by digits of the phone.
		browser.findElement(By.id("tab-all")).click();
		search("meer");
		assertThat(rows()).singleElement().asString().contains("Meera Iyer");
		search("98111 00002");
		assertThat(rows()).singleElement().asString().contains("Arjun Mehta");
		search("nobody like this");
		assertThat(browser.findElement(By.id("chats")).getText()).contains("No chats match");

		// Resolve Meera's chat, then reopen it.
		browser.get(base + "/inbox/chats/" + meera.id());
		browser.findElement(By.id("toggle-status")).click();
		wait.until(ExpectedConditions.textToBe(By.id("chat-status"), "resolved"));
		assertThat(chats.get(ws.id(), meera.id(), "id").status()).isEqualTo(Chat.Status.CLOSED);
		browser.findElement(By.id("toggle-status")).click();
		wait.until(ExpectedConditions.textToBe(By.id("chat-status"), "open"));
		assertThat(chats.get(ws.id(), meera.id(), "id").status()).isEqualTo(Chat.Status.OPEN);

		// Availability from the header: what online-only routing reads.
		assertThat(new Select(browser.findElement(By.id("my-availability"))).getFirstSelectedOption().getText())
			.isEqualTo("Online");
		new Select(browser.findElement(By.id("my-availability"))).selectByVisibleText("Offline");
		browser.findElement(By.id("set-availability")).click();
		wait.until(d -> new Select(d.findElement(By.id("my-availability"))).getFirstSelectedOption().getText()
			.equals("Offline"));
		assertThat(team.member(ws.id(), kavya.id(), "id").availability()).isEqualTo(Member.Availability.OFFLINE);
		List<MemberId> pool = List.of(kavya.id(), ws.anita().id());
		assertThat(team.candidates(ws.id(), ws.support().id(), pool, true)).extracting(TeamService.Candidate::id)
			.containsExactly(ws.anita().id());
		assertThat(team.candidates(ws.id(), ws.support().id(), pool, false)).extracting(TeamService.Candidate::id)
			.containsExactly(kavya.id(), ws.anita().id());
		Browser.screenshot(browser, "inbox-02-offline");
	}

	@Test
	void anAgentRepliesFromTheComposerInsideAndOutsideTheWindow() throws Exception {
		try (io.handoff.support.GraphServer graph = new io.handoff.support.GraphServer()) {
			graph.templates("""
					{"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "1",
					 "components": [{"type": "BODY", "text": "Hello {{1}}, your order {{2}} has shipped."}]}""");
			String phoneNumberId = Long.toString(200_000_000_000_000L + Math.abs(ws.id().value().hashCode()));
			ws.api().patch("/api/v1/business-numbers/" + ws.support().id(), "{\"phoneNumberId\": \"" + phoneNumberId + "\"}");
			assertThat(ws.api().post("/api/v1/connections", """
					{"type": "whatsapp_cloud", "name": "WhatsApp", "settings": {"phoneNumberId": "%s",
					 "businessAccountId": "102290129340398", "baseUrl": "%s"}, "secrets": {"accessToken": "EAAG-test"}}"""
				.formatted(phoneNumberId, graph.baseUrl())).status()).isEqualTo(201);
			message("+919811100011", "Meera Iyer", "Is my order shipped?", Instant.now().minusSeconds(30));
			message("+919811100011", "Meera Iyer", "Hello?", Instant.now());
			message("+919811100012", "Arjun Mehta", "Hi", Instant.now().minus(Duration.ofHours(30)));

			browser.get(base + "/login");
			browser.findElement(By.id("email")).sendKeys(kavya.email());
			browser.findElement(By.id("password")).sendKeys(PASSWORD);
			browser.findElement(By.id("sign-in")).click();
			wait.until(ExpectedConditions.urlContains("/inbox"));
			WebElement meeraRow = browser.findElements(By.cssSelector("#chats tr[data-chat]")).stream()
				.filter(r -> r.getText().contains("Meera")).findFirst().orElseThrow();
			assertThat(meeraRow.findElement(By.className("unread")).getText()).isEqualTo("2");

			// Inside the window: text.
			meeraRow.findElement(By.tagName("a")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reply-text")));
			browser.findElement(By.id("reply-text")).sendKeys("Yes, it left the warehouse today.");
			browser.findElement(By.id("send-reply")).click();
			wait.until(d -> d.findElements(By.cssSelector("#messages .message.outbound .message-status")).stream()
				.anyMatch(e -> e.getText().equals("sent")));
			assertThat(graph.sends()).singleElement().satisfies(r -> assertThat(r.body())
				.contains("\"body\":\"Yes, it left the warehouse today.\"").contains("\"to\":\"919811100011\""));
			Browser.screenshot(browser, "inbox-03-reply-sent");

			// Meta reports it failed: the reason shows on the message, live.
			String wamid = jdbc.sql("SELECT external_id FROM messages WHERE direction = 'outbound' AND workspace_id = :w")
				.param("w", ws.id().value()).query(String.class).single();
			org.springframework.transaction.support.TransactionTemplate tx = new org.springframework.transaction.support.TransactionTemplate(transactions);
			tx.executeWithoutResult(t -> messages.applyStatus(ws.id(), wamid, "failed", Instant.now(), 131026,
					"WhatsApp could not deliver it: the number may not use WhatsApp."));
			wait.until(d -> d.findElements(By.cssSelector("#messages .message-error")).stream()
				.anyMatch(e -> e.getText().contains("may not use WhatsApp")));
			assertThat(browser.findElement(By.cssSelector("#messages .message.outbound .message-status")).getText())
				.isEqualTo("not delivered");

			// Back in the inbox Meera's chat is read.
			browser.get(base + "/inbox");
			assertThat(browser.findElements(By.cssSelector("#chats tr[data-chat]")).stream()
				.filter(r -> r.getText().contains("Meera")).findFirst().orElseThrow()
				.findElements(By.className("unread"))).isEmpty();

			// Outside the window: the composer says so and offers the number's templates.
			browser.findElements(By.cssSelector("#chats tr[data-chat]")).stream()
				.filter(r -> r.getText().contains("Arjun")).findFirst().orElseThrow().findElement(By.tagName("a")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("window-closed")));
			assertThat(browser.findElement(By.id("window-closed")).getText()).contains("24 hours");
			assertThat(browser.findElements(By.id("reply-text"))).isEmpty();
			WebElement template = browser.findElement(By.cssSelector("details[data-template=order_update]"));
			template.findElement(By.tagName("summary")).click();
			template.findElement(By.name("p.1")).sendKeys("Arjun");
			template.findElement(By.name("p.2")).sendKeys("A-2231");
			template.findElement(By.className("send-template")).click();
			wait.until(d -> d.findElements(By.cssSelector("#messages .message.outbound")).stream()
				.anyMatch(e -> e.getText().contains("Hello Arjun, your order A-2231 has shipped.") && e.getText().contains("sent")));
			assertThat(graph.sends()).hasSize(2);
			assertThat(graph.sends().getLast().body()).contains("\"name\":\"order_update\"");
			Browser.screenshot(browser, "inbox-04-template-sent");
		}
	}

	@Autowired
	org.springframework.transaction.PlatformTransactionManager transactions;

	private void message(String phone, String name, String text, Instant at) {
		messages.recordInbound(ws.id(), new MessageService.Inbound(ws.support(), phone, name,
				"wamid." + phone + at.toEpochMilli(), "text", text, at));
	}

	private void search(String text) {
		WebElement box = browser.findElement(By.id("search"));
		box.clear();
		box.sendKeys(text);
		browser.findElement(By.id("apply-filters")).click();
		wait.until(d -> text.equals(d.findElement(By.id("search")).getAttribute("value")));
	}

	private List<String> rows() {
		return browser.findElements(By.cssSelector("#chats tr[data-chat]")).stream().map(WebElement::getText).toList();
	}
}
