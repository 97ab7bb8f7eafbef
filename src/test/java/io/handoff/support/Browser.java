package io.handoff.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by its ChromeDriver. When they are missing and the tests run as root, they are
 * installed from Debian's packages first; otherwise the failure says what to install.
 */
public final class Browser {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
	private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private Browser() {
	}

	public static ChromeDriver start() {
		ensureInstalled();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-dev-shm-usage", "--window-size=1280,900");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().implicitlyWait(Duration.ZERO);
		return driver;
	}

	/** Writes what the page looks like now to {@code target/screenshots/<name>.png}. */
	public static void screenshot(ChromeDriver driver, String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static void width(ChromeDriver driver, int pixels) {
		driver.manage().window().setSize(new Dimension(pixels, 900));
	}

	private static synchronized void ensureInstalled() {
		if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
			return;
		}
		boolean root = "root".equals(System.getProperty("user.name"));
		if (root) {
			try {
				Process install = new ProcessBuilder("sh", "-c",
						"apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver")
					.inheritIO()
					.start();
				install.waitFor();
			}
			catch (IOException e) {
				throw new UncheckedIOException(e);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
			throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver packages "
					+ "(apt-get install chromium chromium-driver); .ci/run installs them");
		}
	}
}
