package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.CallSecurity;
import dev.accord.server.backend.NamespaceStats;
import dev.accord.server.backend.memory.MemoryBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP listener's routes and the progress page's HTML, with authentication off. */
class ProgressPageHttpTest {
  private static final String SCRIPT_NAMESPACE = "<script>alert('ns')</script>";
  private static final String SCRIPT_NAME = "<img src=x onerror=alert(1)>";

  private PageFixture page;

  @BeforeEach
  void start() throws Exception {
    page = new PageFixture(new MemoryBackend(), CallSecurity.OPEN, "accord_up 1\n");
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void metricsAreTheSuppliersTextInPrometheusFormat() throws Exception {
    HttpResponse<String> metrics = page.get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).isEqualTo("accord_up 1\n");
  }

  @Test
  void theOverviewListsEachNamespaceWithItsCountsAndSaysAuthenticationIsOff() throws Exception {
    page.done("batch-a", "one");
    page.done("batch-a", "two");
    page.done("batch-a", "three");
    page.held("batch-a", "four");
    page.pending("batch-b", "five");

    HttpResponse<String> overview = page.get("/");

    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(overview.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'");
    assertThat(overview.body())
        .contains(
            "<tr data-namespace=\"batch-a\"><td><a href=\"/namespaces/batch-a\">batch-a</a></td>"
                + "<td><div class=\"progress-cell\"><progress max=\"100\" value=\"75.0\">"
                + "</progress><span class=\"pct\">75.0%</span></div></td>"
                + "<td class=\"num done\">3</td><td class=\"num held\">1</td>"
                + "<td class=\"num pending\">0</td>")
        .contains(
            "<td class=\"num done\">0</td><td class=\"num held\">0</td>"
                + "<td class=\"num pending\">1</td>")
        .contains("Authentication is off: this page is open to anyone who can reach this port.")
        .doesNotContain("id=\"login\"");
  }

  @Test
  void aDeclaredTotalIsWhatThePercentageMeasuresAndTheNoteSaysSo() throws Exception {
    page.done("sweep", "one");
    page.done("sweep", "two");
    page.done("sweep", "three");
    page.held("sweep", "four");
    page.done("unsized", "one");
    page.held("unsized", "two");
    page.backend.expect("sweep", 200);

    String overview = page.get("/").body();
    String sweep = page.get("/namespaces/sweep").body();

    assertThat(overview)
        .contains(
            "<tr data-namespace=\"sweep\"><td><a href=\"/namespaces/sweep\">sweep</a></td>"
                + "<td><div class=\"progress-cell\"><progress max=\"100\" value=\"1.5\">"
                + "</progress><span class=\"pct\">1.5%</span></div></td>")
        .contains("<progress max=\"100\" value=\"50.0\">")
        .contains(
            "Percentages and ETAs count the total the workers declared in 1 of 2 namespaces, and"
                + " the resources Accord has seen");
    assertThat(sweep)
        .contains("<progress id=\"bar\" max=\"100\" value=\"1.5\">")
        .contains("Done of the 200 resources declared for this sweep (4 seen so far)");
  }

  @Test
  void aNamespacePageShowsItsCountsOldestPendingNamesAndFailures() throws Exception {
    page.pending("etl", "file-1.csv");
    page.pending("etl", "file-2.csv");
    page.done("etl", "file-3.csv");
    page.failed("etl", "file-4.csv", "3", "bad row\nat line 7");

    HttpResponse<String> one = page.get("/namespaces/etl");

    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body())
        .contains("<dd id=\"done\">1</dd>")
        .contains("<dd id=\"pending\">3</dd>")
        .contains("<progress id=\"bar\" max=\"100\" value=\"25.0\">")
        .contains(
            "<ol id=\"pending-names\" class=\"names\"><li>file-1.csv</li><li>file-2.csv</li>"
                + "<li>file-4.csv</li></ol>")
        .contains("<tr><td>file-4.csv</td><td class=\"num\">3</td><td>bad row\nat line 7</td></tr>")
        .contains("data-stream=\"/namespaces/etl/events\"");
  }

  @Test
  void namesAreEscapedEverywhereTheyAppear() throws Exception {
    page.pending(SCRIPT_NAMESPACE, SCRIPT_NAME);
    page.failed(SCRIPT_NAMESPACE, "x</td><script>", "1", "</pre><script>alert(2)</script>");

    String overview = page.get("/").body();
    String path = ProgressPages.path(SCRIPT_NAMESPACE);
    String one = page.get(path).body();

    assertThat(path).isEqualTo("/namespaces/%3Cscript%3Ealert%28%27ns%27%29%3C%2Fscript%3E");
    for (String html : new String[] {overview, one}) {
      assertThat(html)
          .doesNotContain("<script>")
          .doesNotContain("<img")
          .contains("&lt;script&gt;alert(&#39;ns&#39;)&lt;/script&gt;");
      // The only script elements are the page's own file.
      assertThat(html.split("<script", -1)).hasSize(2);
    }
    assertThat(one)
        .contains("<li>&lt;img src=x onerror=alert(1)&gt;</li>")
        .contains("<td>x&lt;/td&gt;&lt;script&gt;</td>")
        .contains("<td>&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;</td>");
  }

  @Test
  void theEventDataEscapesMarkupToo() {
    String json =
        ProgressJson.overview(
            null, List.of(NamespaceProgress.unmeasured(NamespaceStats.empty(SCRIPT_NAMESPACE))));

    assertThat(json).doesNotContain("<").contains("\\u003cscript\\u003e");
  }

  @Test
  void theStylesheetAndScriptComeFromTheJar() throws Exception {
    HttpResponse<String> css = page.get("/progress/progress.css");
    HttpResponse<String> js = page.get("/progress/progress.js");

    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(js.body()).contains("textContent").doesNotContain("innerHTML");
  }

  @Test
  void unknownPathsAndMethodsAreRefused() throws Exception {
    assertThat(page.get("/nothing-here").statusCode()).isEqualTo(404);
    assertThat(page.get("/progress/overview.html").statusCode()).isEqualTo(404);
    assertThat(page.get("/namespaces/a/b").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        page.client.send(
            HttpRequest.newBuilder(page.uri("/"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void aNamespaceNameTooLongIsABadRequestNamingTheLimit() throws Exception {
    HttpResponse<String> tooLong = page.get("/namespaces/" + "n".repeat(101));

    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("at most 100 characters");
  }
}
