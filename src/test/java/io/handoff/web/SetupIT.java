package io.handoff.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.handoff.support.Browser;
import io.handoff.support.FreshDatabase;
import io.handoff.support.NodeProcess;

/** First run on an empty database, without the demo: the setup page in the browser, once and only once. */
class SetupIT {

	@TempDir
	Path dir;

	ChromeDriver browser;

	@AfterEach
	void tearDown() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void aNewInstallIsSetUpInTheBrowserOnceAndOnlyOnce() throws Exception {
		try (NodeProcess node = NodeProcess.start("fresh", FreshDatabase.create("setup"), dir)) {
			String setupUrl = node.awaitLog("No workspace yet. Open (\\S+/setup\\?token=\\S+)", Duration.ofSeconds(30));
			browser = Browser.start();
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));

			// Anyone who opens the console is sent to setup; it wants the token from the log.
			browser.get(node.baseUrl() + "/login");
			wait.until(d -> d.getCurrentUrl().contains("/setup"));
			fill("workspaceName", "Acme Traders");
			fill("ownerName", "Meera Joshi");
			fill("ownerEmail", "meera@acme.example");
			fill("password", "a long enough password");
			fill("token", "not-the-token");
			browser.findElement(By.id("set-up")).click();
			assertThat(browser.findElement(By.id("token-error")).getText()).contains("setup token");

			browser.get(setupUrl);
			Browser.screenshot(browser, "setup-01-page");
			fill("workspaceName", "Acme Traders");
			fill("ownerName", "Meera Joshi");
			fill("ownerEmail", "meera@acme.example");
			fill("password", "a long enough password");
			fill("number", "+91 98200 00009");
			fill("numberName", "Acme Support");
			browser.findElement(By.id("set-up")).click();

			// Signed in as the Owner, in the inbox of the new workspace.
			wait.until(d -> d.getCurrentUrl().endsWith("/inbox"));
			assertThat(browser.findElement(By.cssSelector(".who")).getText()).isEqualTo("Meera Joshi");
			assertThat(browser.findElement(By.id("nav-webhooks")).isDisplayed()).isTrue();
			Browser.screenshot(browser, "setup-02-signed-in");

			// It cannot run twice: the page sends to sign-in, and the same token is refused.
			browser.manage().deleteAllCookies();
			browser.get(setupUrl);
			wait.until(d -> d.getCurrentUrl().contains("/login"));
			assertThat(browser.findElement(By.id("already-set-up")).getText()).contains("set up");
			HttpResponse<String> again = post(node.baseUrl() + "/setup", browser);
			assertThat(again.statusCode()).isIn(302, 403);
			assertThat(again.headers().firstValue("Location").orElse("")).doesNotEndWith("/inbox");

			// The Owner signs in with what they chose.
			browser.get(node.baseUrl() + "/login");
			fill("email", "meera@acme.example");
			fill("password", "a long enough password");
			browser.findElement(By.id("sign-in")).click();
			wait.until(d -> d.getCurrentUrl().endsWith("/inbox"));
		}
	}

	@Test
	void aScriptedInstallIsSetUpFromSettings() {
		try (NodeProcess node = NodeProcess.startWithEnvironment("scripted", FreshDatabase.create("setup"), dir,
				java.util.Map.of("HANDOFF_SETUP_OWNER_PASSWORD", "from the environment"),
				"--handoff.setup.owner-email=ops@acme.example", "--handoff.setup.workspace-name=Acme Ops")) {
			node.awaitLog("Set up the workspace 'Acme Ops' with its Owner ops@acme.example", Duration.ofSeconds(30));
			assertThat(node.tail()).doesNotContain("setup?token=");
			browser = Browser.start();
			browser.get(node.baseUrl() + "/login");
			fill("email", "ops@acme.example");
			fill("password", "from the environment");
			browser.findElement(By.id("sign-in")).click();
			new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().endsWith("/inbox"));
		}
	}

	private void fill(String id, String value) {
		var input = browser.findElement(By.id(id));
		input.clear();
		input.sendKeys(value);
	}

	/** A setup form posted again with the spent token, from a new session (CSRF token and cookie of the login page). */
	private static HttpResponse<String> post(String url, ChromeDriver browser) throws Exception {
		HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
		String cookies = browser.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
			.reduce((a, b) -> a + "; " + b).orElse("");
		String csrf = browser.findElement(By.cssSelector("meta[name=csrf-token]")).getAttribute("content");
		return http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Cookie", cookies)
			.header("X-CSRF-TOKEN", csrf)
			.POST(HttpRequest.BodyPublishers.ofString(
					"token=x&workspaceName=Again&ownerName=Eve&ownerEmail=eve%40example.com&password=another+long+password"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}
}
