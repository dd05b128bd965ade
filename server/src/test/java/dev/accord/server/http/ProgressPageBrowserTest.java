package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.server.CallSecurity;
import dev.accord.server.access.TestAccessFiles;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.security.TokenFileAuthenticator;
import dev.accord.server.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The progress page in a real browser (headless Chromium) over PostgreSQL: it loads, shows the
 * namespaces, and its numbers move without a reload as resources complete; names are shown as text,
 * never run; with authentication on it signs in with a token. Screenshots go to target/.
 */
class ProgressPageBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String XSS_NAMESPACE = "<script>window.injected=1</script>";

  @TempDir Path dir;
  private PageFixture page;
  private ChromeDriver browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (page != null) {
      page.close();
    }
  }

  @Test
  void thePageShowsEachNamespaceAndItsNumbersMoveAsResourcesComplete() throws Exception {
    page =
        new PageFixture(PostgresBackend.open(TestPostgres.newDatabase(4)), CallSecurity.OPEN, "");
    List<HandleId> images = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      images.add(page.held("images-resize", String.format("img-%04d.png", i)));
    }
    for (int i = 0; i < 12; i++) {
      page.done("nightly-etl", "part-" + i);
    }
    page.held("nightly-etl", "part-12");
    page.pending("nightly-etl", "part-13");
    page.failed("nightly-etl", "part-14", "3", "connection reset by peer");

    browser = Chromium.start();
    browser.get(page.uri("/").toString());
    browser.executeScript("window.sameDocument = true;");
    await().atMost(WAIT).until(() -> liveLabel().equals("live"));
    assertThat(cell("images-resize", "done")).isEqualTo("0");
    assertThat(cell("images-resize", "held")).isEqualTo("40");
    assertThat(cell("nightly-etl", "done")).isEqualTo("12");

    for (int i = 0; i < 10; i++) {
      page.done(images.get(i));
    }
    await().atMost(WAIT).until(() -> cell("images-resize", "done").equals("10"));
    assertThat(cell("images-resize", "held")).isEqualTo("30");
    for (int i = 10; i < 26; i++) {
      page.done(images.get(i));
    }
    await().atMost(WAIT).until(() -> cell("images-resize", "done").equals("26"));
    await().atMost(WAIT).until(() -> cell("images-resize", "window").startsWith("over "));
    await().atMost(WAIT).until(() -> !cell("images-resize", "eta").equals("—"));
    assertThat(browser.executeScript("return window.sameDocument === true;")).isEqualTo(true);
    screenshot("progress-page.png");

    // A namespace that appears while the page is open gets its row; its name stays text.
    page.pending(XSS_NAMESPACE, "<img src=x onerror=window.injected=2>");
    await().atMost(WAIT).until(() -> rowCount() == 3);
    assertThat(cell(XSS_NAMESPACE, "name")).isEqualTo(XSS_NAMESPACE);
    assertThat(browser.executeScript("return window.injected === undefined;")).isEqualTo(true);
    assertThat(browser.findElement(By.id("footer")).getText())
        .isEqualTo("Authentication is off: this page is open to anyone who can reach this port.");

    browser.findElement(By.cssSelector("tr[data-namespace='nightly-etl'] a")).click();
    await().atMost(WAIT).until(() -> liveLabel().equals("live"));
    assertThat(browser.getCurrentUrl()).endsWith("/namespaces/nightly-etl");
    assertThat(text("done")).isEqualTo("12");
    assertThat(text("pending")).isEqualTo("2");
    assertThat(browser.findElement(By.id("pending-names")).getText()).isEqualTo("part-13\npart-14");
    assertThat(browser.findElement(By.id("failures")).getText())
        .isEqualTo("part-14 3 connection reset by peer");
    page.done("nightly-etl", "part-15");
    await().atMost(WAIT).until(() -> text("done").equals("13"));
    screenshot("progress-namespace.png");

    browser.get(page.uri(ProgressPages.path(XSS_NAMESPACE)).toString());
    await().atMost(WAIT).until(() -> liveLabel().equals("live"));
    assertThat(browser.findElement(By.id("title")).getText()).isEqualTo(XSS_NAMESPACE);
    assertThat(browser.findElement(By.id("pending-names")).getText())
        .isEqualTo("<img src=x onerror=window.injected=2>");
    assertThat(browser.executeScript("return window.injected === undefined;")).isEqualTo(true);
  }

  @Test
  void withAuthenticationOnThePageSignsInWithATokenAndShowsOnlyWhatItMayRead() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.csv"), "alice-token,alice,1\n");
    CallSecurity security =
        new CallSecurity(
            List.of(new TokenFileAuthenticator(tokens)),
            TestAccessFiles.policy(
                """
                rules:
                  - principals: ["alice"]
                    namespaces: ["team-a-*"]
                    role: reader
                """),
            true);
    page = new PageFixture(PostgresBackend.open(TestPostgres.newDatabase(4)), security, "");
    page.done("team-a-reports", "one");
    page.done("team-b-secret", "two");

    browser = Chromium.start();
    browser.get(page.uri("/").toString());
    WebElement token = browser.findElement(By.id("token"));
    await().atMost(WAIT).until(token::isDisplayed);
    assertThat(browser.findElement(By.id("content")).isDisplayed()).isFalse();

    token.sendKeys("wrong-token");
    browser.findElement(By.cssSelector("#login-form button")).click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                browser
                    .findElement(By.id("login-message"))
                    .getText()
                    .equals("Not accepted: token not recognised"));

    browser.findElement(By.id("token")).sendKeys("alice-token");
    browser.findElement(By.cssSelector("#login-form button")).click();
    await().atMost(WAIT).until(() -> liveLabel().equals("live"));
    assertThat(cell("team-a-reports", "done")).isEqualTo("1");
    assertThat(browser.findElements(By.cssSelector("tr[data-namespace='team-b-secret']")))
        .isEmpty();
    assertThat(browser.findElement(By.id("footer")).getText())
        .startsWith("Signed in as alice: showing only the namespaces you may read.");

    // The token stays for the tab: a reload signs in again by itself.
    browser.navigate().refresh();
    await().atMost(WAIT).until(() -> liveLabel().equals("live"));
    assertThat(cell("team-a-reports", "done")).isEqualTo("1");

    browser.findElement(By.cssSelector("#footer button")).click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("token")).isDisplayed());
    assertThat(browser.executeScript("return sessionStorage.getItem('accord-token');")).isNull();
  }

  private String liveLabel() {
    return browser.findElement(By.id("live")).getText();
  }

  /** A cell's text, read in one script so a row being updated meanwhile cannot go stale. */
  private String cell(String namespace, String column) {
    Object text =
        browser.executeScript(
            "const row = [...document.querySelectorAll('#rows tr')]"
                + ".find((r) => r.dataset.namespace === arguments[0]);"
                + "return row ? row.querySelector(arguments[1]).textContent : null;",
            namespace,
            column.equals("name") ? "a" : "." + column);
    if (text == null) {
      throw new AssertionError("no row for namespace " + namespace);
    }
    return (String) text;
  }

  private long rowCount() {
    return browser.findElements(By.cssSelector("#rows tr")).size();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The page, cut to its content's height, to target/NAME. */
  private void screenshot(String name) throws Exception {
    Number height =
        (Number)
            browser.executeScript(
                "return Math.ceil(document.getElementById('footer').getBoundingClientRect().bottom) + 24"
                    + " + window.outerHeight - window.innerHeight;");
    Dimension size = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(size.getWidth(), height.intValue()));
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        target,
        StandardCopyOption.REPLACE_EXISTING);
    browser.manage().window().setSize(size);
  }
}
