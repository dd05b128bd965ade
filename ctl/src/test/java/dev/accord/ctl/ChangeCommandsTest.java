package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.ExpectRequest;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.ResetRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * release, reset and delete: the confirmation gate (a terminal asks, a script needs --yes), what is
 * sent, what is printed.
 */
class ChangeCommandsTest {
  static final String NS = "daily-2026-12-01";

  FakeAccord server;
  Ctl ctl;

  @BeforeEach
  void start() throws Exception {
    server = new FakeAccord();
    ctl = new Ctl(server.target());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void withoutATerminalEachDestructiveCommandRefusesWithoutYesAndSendsNothing() {
    for (String[] args :
        List.of(
            new String[] {"release", NS, "a"},
            new String[] {"reset", NS, "--all"},
            new String[] {"delete", NS, "--done-before", "30d"})) {
      Ctl.Result result = ctl.run(args);

      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(result.err())
          .startsWith("accordctl: refusing without --yes: no terminal to confirm on");
      assertThat(result.out()).isEmpty();
    }
    assertThat(server.requests).isEmpty();
    assertThat(ctl.prompts).isEmpty();
  }

  @Test
  void expectDeclaresOrClearsTheTotalWithoutAskingAndRefusesANegativeOne() {
    Ctl.Result declared = ctl.run("expect", NS, "5000");
    Ctl.Result cleared = ctl.run("expect", NS, "0");
    Ctl.Result negative = ctl.run("expect", NS, "-1");

    assertThat(declared.exitCode()).as(declared.err()).isZero();
    assertThat(declared.out()).isEqualTo("Declared 5000 resources in " + NS + ".\n");
    assertThat(cleared.out()).isEqualTo("Cleared the declared total of " + NS + ".\n");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("TOTAL must be 0 or more, got -1");
    assertThat(server.requests(ExpectRequest.class))
        .containsExactly(
            ExpectRequest.newBuilder().setNamespace(NS).setTotal(5000).build(),
            ExpectRequest.newBuilder().setNamespace(NS).build());
    assertThat(ctl.prompts).isEmpty();
  }

  @Test
  void atATerminalYesGoesAheadAndAnythingElseRefuses() {
    server.reset = 2;
    ctl.answer = "n";
    Ctl.Result declined = ctl.run("reset", NS, "a", "b");
    ctl.answer = "";
    Ctl.Result empty = ctl.run("reset", NS, "a", "b");
    ctl.answer = " Yes ";
    Ctl.Result confirmed = ctl.run("reset", NS, "a", "b");

    assertThat(declined.exitCode()).isEqualTo(1);
    assertThat(declined.err()).isEqualTo("accordctl: not confirmed; nothing was reset\n");
    assertThat(empty.exitCode()).isEqualTo(1);
    assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
    assertThat(ctl.prompts)
        .containsOnly("Reset 2 resources of namespace " + NS + " to pending? [y/N] ");
    assertThat(server.requests(ResetRequest.class))
        .containsExactly(
            ResetRequest.newBuilder().setNamespace(NS).addNames("a").addNames("b").build());
  }

  @Test
  void yesSkipsTheQuestionEvenAtATerminal() {
    ctl.answer = "n";

    Ctl.Result result = ctl.run("release", NS, "a", "--yes");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(ctl.prompts).isEmpty();
    assertThat(server.requests(ReleaseRequest.class)).hasSize(1);
  }

  @Test
  void releaseSendsEachNameOnceAndShowsWhichWereReleased() {
    server.released = List.of("file-2.csv");

    Ctl.Result result = ctl.run("release", NS, "file-2.csv", "file-9.csv", "file-2.csv", "--yes");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests(ReleaseRequest.class))
        .containsExactly(
            ReleaseRequest.newBuilder()
                .setNamespace(NS)
                .addNames("file-2.csv")
                .addNames("file-9.csv")
                .build());
    assertThat(result.out())
        .isEqualTo(
            """
            Released 1 of 2 leases in daily-2026-12-01.
            NAME        RESULT
            file-2.csv  released
            file-9.csv  not under a lease (done, unknown or free)
            """);
  }

  @Test
  void releaseAsJsonListsReleasedAndNotReleased() {
    server.released = List.of("b");

    Ctl.Result result = ctl.run("release", NS, "a", "b", "--yes", "-o", "json");

    JsonObject document = JsonParser.parseString(result.out()).getAsJsonObject();
    assertThat(document.get("namespace").getAsString()).isEqualTo(NS);
    assertThat(document.getAsJsonArray("released").toString()).isEqualTo("[\"b\"]");
    assertThat(document.getAsJsonArray("not_released").toString()).isEqualTo("[\"a\"]");
  }

  @Test
  void releaseNeedsAtLeastOneNameAndAtMostAThousand() {
    Ctl.Result none = ctl.run("release", NS, "--yes");
    String[] tooMany =
        IntStream.range(0, 1004)
            .mapToObj(i -> i < 3 ? new String[] {"release", NS, "--yes"}[i] : "n" + i)
            .toArray(String[]::new);
    Ctl.Result many = ctl.run(tooMany);

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("Missing required parameter: 'NAME'");
    assertThat(many.exitCode()).isEqualTo(2);
    assertThat(many.err()).contains("at most 1000 names at a time, got 1001");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void resetAllAsksAboutEveryDoneResourceAndSaysHowManyBecamePending() {
    server.reset = 1200;
    ctl.answer = "y";

    Ctl.Result result = ctl.run("reset", NS, "--all");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(ctl.prompts)
        .containsExactly("Reset EVERY done resource of namespace " + NS + " to pending? [y/N] ");
    assertThat(server.requests(ResetRequest.class))
        .containsExactly(ResetRequest.newBuilder().setNamespace(NS).setAll(true).build());
    assertThat(result.out()).isEqualTo("Reset 1200 done resources of " + NS + ": pending again.\n");
  }

  @Test
  void resetAsJsonSaysHowMany() {
    server.reset = 1;

    Ctl.Result result = ctl.run("-o", "json", "reset", NS, "a", "--yes");

    assertThat(JsonParser.parseString(result.out()))
        .isEqualTo(JsonParser.parseString("{\"namespace\": \"" + NS + "\", \"reset\": 1}"));
  }

  @Test
  void resetTakesNamesOrAllButNotBothNorNeither() {
    Ctl.Result both = ctl.run("reset", NS, "a", "--all", "--yes");
    Ctl.Result neither = ctl.run("reset", NS, "--yes");

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("give names or --all, not both");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("name the resources to reset, or give --all");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void deleteWithADurationSendsThatLongBeforeNow() {
    server.deleted = 5000;

    Ctl.Result result = ctl.run("delete", NS, "--done-before", "30d", "--yes");

    Instant cutoff = Ctl.NOW.minus(Duration.ofDays(30));
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests(DeleteRequest.class))
        .containsExactly(
            DeleteRequest.newBuilder()
                .setNamespace(NS)
                .setDoneBeforeTms(cutoff.toEpochMilli())
                .build());
    assertThat(result.out())
        .isEqualTo("Deleted 5000 resources of " + NS + " done before 2026-11-02T08:00:00Z.\n");
  }

  @Test
  void deleteSendsAndShowsTheCutoffInMilliseconds() {
    Ctl.Result result =
        ctl.run("delete", NS, "--done-before", "2026-11-01T00:00:00.123456789Z", "--yes");

    assertThat(server.requests(DeleteRequest.class))
        .extracting(DeleteRequest::getDoneBeforeTms)
        .containsExactly(Instant.parse("2026-11-01T00:00:00.123Z").toEpochMilli());
    assertThat(result.out()).endsWith(" done before 2026-11-01T00:00:00.123Z.\n");
  }

  @Test
  void deleteWithAnInstantSendsItAndJsonEchoesIt() {
    ctl.answer = "y";

    Ctl.Result result =
        ctl.run("delete", NS, "--done-before", "2026-11-01T00:00:00.5Z", "-o", "json");

    assertThat(ctl.prompts)
        .containsExactly(
            "Delete the resources of namespace "
                + NS
                + " done before 2026-11-01T00:00:00.500Z? [y/N] ");
    assertThat(server.requests(DeleteRequest.class))
        .extracting(DeleteRequest::getDoneBeforeTms)
        .containsExactly(Instant.parse("2026-11-01T00:00:00.500Z").toEpochMilli());
    assertThat(JsonParser.parseString(result.out()))
        .isEqualTo(
            JsonParser.parseString(
                "{\"namespace\": \""
                    + NS
                    + "\", \"deleted\": 0, \"done_before\": \"2026-11-01T00:00:00.500Z\"}"));
  }

  @Test
  void deleteWithoutATimeWarnsThatEveryResourceGoesAndSendsZero() {
    ctl.answer = "y";

    Ctl.Result result = ctl.run("delete", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(ctl.prompts)
        .containsExactly(
            "Delete EVERY resource of namespace "
                + NS
                + ", held or not? Running leases are lost. [y/N] ");
    assertThat(server.requests(DeleteRequest.class))
        .containsExactly(DeleteRequest.newBuilder().setNamespace(NS).build());
    assertThat(result.out()).isEqualTo("Deleted 0 resources of " + NS + ".\n");
  }

  @Test
  void deleteRefusesATimeItCannotRead() {
    Ctl.Result result = ctl.run("delete", NS, "--done-before", "last week", "--yes");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("accordctl: Invalid value for option '--done-before': expected an ISO-8601")
        .contains("got \"last week\"")
        .endsWith("Try 'accordctl delete --help'.\n");
    assertThat(server.requests).isEmpty();
  }
}
