package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.accord.server.CallSecurity;
import dev.accord.server.backend.HandleId;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event streams on PostgreSQL: SSE framing, and new counts pushed as resources complete. */
class ProgressEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private PageFixture page;

  @BeforeEach
  void start() throws Exception {
    page =
        new PageFixture(PostgresBackend.open(TestPostgres.newDatabase(2)), CallSecurity.OPEN, "");
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void theOverviewStreamIsServerSentEventsThatFollowTheCounts() throws Exception {
    List<HandleId> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(page.held("stream", "r" + i));
    }
    try (EventLines events = new EventLines(page.client, page.uri("/events"))) {
      HttpResponse<Stream<String>> response = events.response.get();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("text/event-stream; charset=utf-8");
      assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");

      await().atMost(WAIT).until(() -> events.progressData().size() >= 1);
      assertThat(events.lines.subList(0, 5))
          .containsExactly(
              "retry: 2000",
              "",
              "event: progress",
              "data: {\"namespaces\":[{\"namespace\":\"stream\",\"done\":0,"
                  + "\"held\":4,\"pending\":0,\"seen\":4,\"percent\":\"0.0\",\"rate\":\"measuring…\",\"rateWindow\":\"\","
                  + "\"eta\":\"—\",\"oldestPendingMillis\":0,\"latestDoneMillis\":0,"
                  + "\"expected\":0,\"total\":4}],\"note\":\"Percentages and ETAs count the"
                  + " resources Accord has seen (a resource counts once a worker first acquires"
                  + " it): no worker has declared the total of a sweep.\"}",
              "");

      page.done(held.get(0));
      page.done(held.get(1));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.progressData().stream()
                      .anyMatch(data -> data.contains("\"done\":2,\"held\":2,")));
      page.done(held.get(2));
      page.done(held.get(3));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.progressData().stream()
                      .anyMatch(
                          data ->
                              data.contains(
                                      "\"done\":4,\"held\":0,\"pending\":0,\"seen\":4,\"percent\":\"100.0\"")
                                  && data.contains("\"eta\":\"finished\"")));
    }
  }

  @Test
  void aNamespaceStreamCarriesItsListsAndItsCounts() throws Exception {
    page.pending("one", "waiting");
    page.failed("one", "broken", "3", "disk full");
    HandleId working = page.held("one", "working");
    try (EventLines events = new EventLines(page.client, page.uri("/namespaces/one/events"))) {
      await().atMost(WAIT).until(() -> events.progressData().size() >= 1);
      assertThat(events.progressData().get(0))
          .contains("\"namespace\":\"one\",\"done\":0,\"held\":1,\"pending\":2")
          .contains("\"oldestPending\":[\"waiting\",\"broken\"]")
          .contains(
              "\"failures\":[{\"name\":\"broken\",\"attempts\":\"3\",\"lastError\":\"disk full\"}]");

      page.done(working);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.progressData().stream()
                      .anyMatch(data -> data.contains("\"done\":1,\"held\":0,\"pending\":2")));
    }
  }

  @Test
  void aNamespaceStreamMeasuresAgainstTheDeclaredTotal() throws Exception {
    page.done("declared", "a");
    page.held("declared", "b");
    page.backend.expect("declared", 8);
    try (EventLines events = new EventLines(page.client, page.uri("/namespaces/declared/events"))) {
      await().atMost(WAIT).until(() -> events.progressData().size() >= 1);
      assertThat(events.progressData().get(0))
          .contains("\"seen\":2,\"percent\":\"12.5\"")
          .contains("\"expected\":8,\"total\":8")
          .contains("\"note\":\"Done of the 8 resources declared for this sweep (2 seen so far)");
    }
  }
}
