package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.server.CallSecurity;
import dev.accord.server.access.TestAccessFiles;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.security.TokenFileAuthenticator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With authentication on, the page asks for the gRPC API's bearer token and shows each caller only
 * the namespaces it may read.
 */
class ProgressPageAuthTest {
  private static final String AUTHORIZATION = "Authorization";

  @TempDir Path dir;
  private PageFixture page;

  @BeforeEach
  void start() throws Exception {
    Path tokens =
        Files.writeString(dir.resolve("tokens.csv"), "alice-token,alice,1\nbob-token,bob,2\n");
    CallSecurity security =
        new CallSecurity(
            List.of(new TokenFileAuthenticator(tokens)),
            TestAccessFiles.policy(
                """
                rules:
                  - principals: ["alice"]
                    namespaces: ["team-a-*"]
                    role: reader
                  - principals: ["bob"]
                    namespaces: ["team-b"]
                    role: worker
                """),
            true);
    page = new PageFixture(new MemoryBackend(), security, "");
    page.done("team-a-etl", "one");
    page.done("team-b", "two");
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void withoutATokenThePageIsTheSignInForm() throws Exception {
    HttpResponse<String> overview = page.get("/");
    HttpResponse<String> one = page.get("/namespaces/team-a-etl");

    for (HttpResponse<String> response : List.of(overview, one)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body())
          .contains("<section id=\"login\" class=\"login\">")
          .contains("<section id=\"content\" hidden>")
          .contains("data-auth=\"on\"")
          .doesNotContain("team-b")
          .doesNotContain("<td class=\"num done\">");
    }
    assertThat(overview.body()).doesNotContain("team-a-etl");
  }

  @Test
  void aTokenNotListedIsRefusedSayingSo() throws Exception {
    HttpResponse<String> overview = page.get("/", AUTHORIZATION, "Bearer nobody");
    HttpResponse<String> events = page.get("/events", AUTHORIZATION, "Bearer nobody");
    HttpResponse<String> notBearer = page.get("/events", AUTHORIZATION, "Basic YWxpY2U6eA==");

    assertThat(overview.statusCode()).isEqualTo(401);
    assertThat(overview.body()).contains("token not recognised");
    assertThat(events.statusCode()).isEqualTo(401);
    assertThat(events.body()).isEqualTo("token not recognised\n");
    assertThat(notBearer.statusCode()).isEqualTo(401);
    assertThat(notBearer.body()).contains("not \"Bearer TOKEN\"");
    assertThat(page.get("/events").statusCode()).isEqualTo(401);
  }

  @Test
  void eachCallerSeesOnlyTheNamespacesItMayRead() throws Exception {
    String alice = page.get("/", AUTHORIZATION, "Bearer alice-token").body();
    String bob = page.get("/", AUTHORIZATION, "Bearer bob-token").body();

    assertThat(alice)
        .contains("data-namespace=\"team-a-etl\"")
        .doesNotContain("team-b")
        .contains("Signed in as <strong>alice</strong>: showing only the namespaces you may read.")
        .contains("<section id=\"login\" class=\"login\" hidden>");
    assertThat(bob).contains("data-namespace=\"team-b\"").doesNotContain("team-a-etl");
  }

  @Test
  void aNamespaceTheCallerMayNotReadIsForbidden() throws Exception {
    HttpResponse<String> page403 =
        page.get("/namespaces/team-b", AUTHORIZATION, "Bearer alice-token");
    HttpResponse<String> events403 =
        page.get("/namespaces/team-b/events", AUTHORIZATION, "Bearer alice-token");
    HttpResponse<String> allowed =
        page.get("/namespaces/team-b", AUTHORIZATION, "Bearer bob-token");

    assertThat(page403.statusCode()).isEqualTo(403);
    assertThat(page403.body()).isEqualTo("\"alice\" needs role reader in namespace \"team-b\"\n");
    assertThat(events403.statusCode()).isEqualTo(403);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).contains("<dd id=\"done\">1</dd>");
  }

  @Test
  void theStaticFilesAndMetricsNeedNoToken() throws Exception {
    assertThat(page.get("/progress/progress.js").statusCode()).isEqualTo(200);
    assertThat(page.get("/metrics").statusCode()).isEqualTo(200);
  }
}
