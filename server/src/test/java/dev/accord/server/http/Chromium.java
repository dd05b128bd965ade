package dev.accord.server.http;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages, driven by
 * Selenium with both paths given, so Selenium never tries to download a browser or a driver.
 * Without them the test fails saying how to install them (.ci/run does), unless {@code
 * -Daccord.skipBrowserTests=true} says to skip: a browser test that skipped itself whenever the
 * browser was missing could leave CI green without ever running.
 */
final class Chromium {
  static final String SKIP_PROPERTY = "accord.skipBrowserTests";

  private Chromium() {}

  static ChromeDriver start() {
    Path browser = find("chromium");
    Path driver = find("chromedriver");
    if (browser == null || driver == null) {
      Assumptions.assumeFalse(
          Boolean.getBoolean(SKIP_PROPERTY),
          "chromium or chromedriver missing and -D" + SKIP_PROPERTY + "=true: skipped");
      throw new IllegalStateException(
          "the browser test needs Debian's chromium and chromium-driver packages ("
              + (browser == null ? "no chromium" : "no chromedriver")
              + " on PATH): apt-get install -y chromium chromium-driver (.ci/run installs them),"
              + " or run with -D"
              + SKIP_PROPERTY
              + "=true to skip it");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments(
        "--headless=new",
        // Tests run as root in CI's containers, where Chromium's sandbox cannot start.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,820",
        "--force-device-scale-factor=1");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    return new ChromeDriver(service, options);
  }

  private static Path find(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
