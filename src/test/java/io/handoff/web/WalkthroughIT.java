package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.handoff.support.Browser;
import io.handoff.support.FreshDatabase;
import io.handoff.support.NodeProcess;

/**
 * The help article "How to use Chat Assigned to Agent Webhook", step by step in the browser, on an instance started as
 * the README says: the demo and nothing else (the URL guard as shipped, refusing this machine's addresses). Screenshots
 * of each step go to target/screenshots/walkthrough-*.
 */
class WalkthroughIT {

	@TempDir
	Path dir;

	ChromeDriver browser;

	WebDriverWait wait;

	@AfterEach
	void tearDown() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void theHelpArticlesWalkthroughWorksOnAFreshInstall() {
		try (NodeProcess node = NodeProcess.start("readme", FreshDatabase.create("walkthrough"), dir,
				"--handoff.demo=true", "--handoff.webhooks.allowed-networks=")) {
			String email = node.awaitLog("Demo Owner sign-in: (\\S+) / \\S+", Duration.ofSeconds(30));
			String password = node.awaitLog("Demo Owner sign-in: \\S+ / (\\S+)", Duration.ofSeconds(30));
			String base = node.baseUrl();
			browser = Browser.start();
			wait = new WebDriverWait(browser, Duration.ofSeconds(20));
			wait.ignoring(org.openqa.selenium.WebDriverException.class);

			browser.get(base + "/login");
			browser.findElement(By.id("email")).sendKeys(email);
			browser.findElement(By.id("password")).sendKeys(password);
			browser.findElement(By.id("sign-in")).click();
			wait.until(ExpectedConditions.urlContains("/inbox"));
			Browser.screenshot(browser, "walkthrough-01-inbox");

			// Bot Studio: a bot with an On Webhook trigger; copy its URL; Capture Response.
			browser.findElement(By.id("nav-studio")).click();
			browser.findElement(By.id("bot-name")).sendKeys("Lead owner sync");
			browser.findElement(By.id("create-bot")).click();
			String hookUrl = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hook-url"))).getAttribute("value");
			assertThat(hookUrl).startsWith(base + "/hooks/");
			String botPage = browser.getCurrentUrl();
			browser.findElement(By.id("start-capture")).click();
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("capture-waiting")));
			Browser.screenshot(browser, "walkthrough-02-capture");

			// Settings → Webhooks → New Webhook: the bot's URL, the number, "Chat Assigned to Agent".
			browser.findElement(By.id("nav-webhooks")).click();
			browser.findElement(By.id("new-webhook")).click();
			browser.findElement(By.id("name")).sendKeys("Lead owner sync");
			browser.findElement(By.id("url")).sendKeys(hookUrl);
			browser.findElement(By.xpath("//label[contains(., 'Acme Support')]/input[@name='businessNumbers']")).click();
			assertThat(browser.findElement(By.id("event-chat.assigned")).isSelected()).isTrue();
			Browser.screenshot(browser, "walkthrough-03-new-webhook");
			browser.findElement(By.id("save-webhook")).click();
			wait.until(d -> d.findElement(By.id("created-title")).getText().contains("now active"));
			String webhookPage = browser.findElement(By.id("open-webhook")).getAttribute("href");
			Browser.screenshot(browser, "walkthrough-04-webhook-active");

			// Assign a chat in the inbox.
			browser.findElement(By.id("nav-inbox")).click();
			browser.findElement(By.linkText("Vikram Singh")).click();
			new Select(browser.findElement(By.id("assign-to"))).selectByVisibleText("John Doe");
			browser.findElement(By.id("assign")).click();
			wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "John Doe"));
			String chatPage = browser.getCurrentUrl();
			Browser.screenshot(browser, "walkthrough-05-assigned");

			// View Response Data: the customer's and the agent's fields, first; Map recommended.
			browser.get(botPage);
			wait.until(d -> {
				d.navigate().refresh();
				return !d.findElements(By.id("capture-done")).isEmpty();
			});
			List<String> first = browser.findElements(By.cssSelector("#fields tr")).stream().limit(9)
				.map(r -> r.getAttribute("data-pointer")).toList();
			assertThat(first).contains("/body/data/customerName", "/body/data/customerPhone", "/body/data/assignedUserName",
					"/body/data/assignedUserPhone", "/body/data/assignedUserEmail", "/body/data/wabaNumber");
			assertThat(browser.findElement(By.cssSelector("ul.tree")).getText()).contains("Vikram Singh").contains("John Doe");
			Browser.screenshot(browser, "walkthrough-06-response-data");
			browser.findElement(By.id("map-recommended")).click();
			wait.until(d -> d.findElements(By.cssSelector("#variables tr[data-variable]")).size() >= 7);
			assertThat(value("customerName")).isEqualTo("\"Vikram Singh\"");
			assertThat(value("agentName")).isEqualTo("\"John Doe\"");
			assertThat(value("agentEmail")).isEqualTo("\"john@acme.example\"");
			assertThat(value("businessNumber")).isEqualTo("\"+919000000000\"");
			Browser.screenshot(browser, "walkthrough-07-mapped");

			// Send them on: a CRM owner step (HubSpot), and the bot goes live.
			browser.findElement(By.id("nav-connections")).click();
			browser.findElement(By.id("connection-name")).sendKeys("HubSpot");
			browser.findElement(By.id("secrets-token")).sendKeys("pat-na1-walkthrough");
			browser.findElement(By.id("save-connection")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("connections"), "hubspot"));
			browser.get(botPage);
			browser.findElement(By.id("add-crm-step")).click();
			wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("steps"), "the chat's agent becomes the owner"));
			new Select(browser.findElement(By.id("bot-status"))).selectByVisibleText("active");
			browser.findElement(By.id("save-status")).click();
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".flash")));
			Browser.screenshot(browser, "walkthrough-08-crm-step");

			// The next assignment reaches the bot, and the delivery log and the run show it.
			browser.get(chatPage);
			new Select(browser.findElement(By.id("assign-to"))).selectByVisibleText("Rahul Verma");
			browser.findElement(By.id("assign")).click();
			wait.until(ExpectedConditions.textToBe(By.id("assignee-name"), "Rahul Verma"));
			browser.get(webhookPage);
			wait.until(d -> {
				d.navigate().refresh();
				return d.findElements(By.cssSelector("#deliveries tr[data-delivery]")).stream()
					.filter(r -> r.getText().contains("succeeded")).count() == 2;
			});
			Browser.screenshot(browser, "walkthrough-09-delivery-log");
			browser.get(botPage);
			WebElement run = wait.until(d -> {
				d.navigate().refresh();
				List<WebElement> runs = d.findElements(By.cssSelector("#runs a"));
				return runs.isEmpty() ? null : runs.getFirst();
			});
			run.click();
			String runText = wait.until(d -> {
				d.navigate().refresh();
				String text = d.findElement(By.tagName("main")).getText();
				return text.contains("CRM: set the lead owner") ? text : null;
			});
			// This machine cannot reach HubSpot; the run says so in words (a CRM on this machine needs
			// handoff.webhooks.allowed-networks, which this instance, started as the README says, does not have).
			assertThat(runText).contains("HubSpot").contains("api.hubapi.com");
			Browser.screenshot(browser, "walkthrough-10-run");
		}
	}

	private String value(String variable) {
		return browser.findElement(By.cssSelector("#variables tr[data-variable='" + variable + "'] .value")).getText();
	}
}
