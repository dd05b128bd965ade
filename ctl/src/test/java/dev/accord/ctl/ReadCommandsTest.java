package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.accord.api.admin.GetRequest;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.NamespacesRequest;
import dev.accord.api.admin.StatsRequest;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** namespaces, stats, list and get against a stand-in server: what is asked, what is printed. */
class ReadCommandsTest {
  static final String NS = "daily-2026-12-01";

  static final NamespaceStats DAY_ONE =
      NamespaceStats.newBuilder()
          .setNamespace(NS)
          .setDone(1200)
          .setHeld(3)
          .setPending(45)
          .setOldestPendingTms(tms("2026-12-02T07:01:12Z"))
          .setLatestDoneTms(tms("2026-12-02T07:59:30.250Z"))
          .build();
  static final NamespaceStats DAY_TWO =
      NamespaceStats.newBuilder()
          .setNamespace("daily-2026-12-02")
          .setPending(10)
          .setOldestPendingTms(tms("2026-12-02T07:50:00Z"))
          .build();

  static final Handle DONE =
      Handle.newBuilder()
          .setId(ByteString.copyFromUtf8("0123456789abcdef"))
          .setNamespace(NS)
          .setName("file-1.csv")
          .setNumAcquired(1)
          .setExpTms(tms("2026-12-02T07:40:00Z"))
          .setDoneTms(tms("2026-12-02T07:30:00Z"))
          .putMetadata("attempts", "")
          .build();
  static final Handle HELD =
      Handle.newBuilder()
          .setNamespace(NS)
          .setName("file-2.csv")
          .setNumAcquired(2)
          .setExpTms(tms("2026-12-02T08:05:00Z"))
          .putMetadata("last_error", "timeout")
          .putMetadata("attempts", "1")
          .build();
  static final Handle FAILED =
      Handle.newBuilder()
          .setNamespace(NS)
          .setName("file-3.csv")
          .setNumAcquired(3)
          .setExpTms(tms("2026-12-02T07:45:00Z"))
          .putMetadata("failed", "true")
          .putMetadata("attempts", "3")
          .putMetadata("last_error", "bad row\nat line 7")
          .build();

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

  static long tms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void namespacesPrintsOneAlignedRowPerNamespace() {
    server.namespaces = List.of(DAY_ONE, DAY_TWO);

    Ctl.Result result = ctl.run("namespaces", "--prefix", "daily-");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            NAMESPACE         DONE  HELD  PENDING  OLDEST PENDING        LATEST DONE
            daily-2026-12-01  1200  3     45       2026-12-02T07:01:12Z  2026-12-02T07:59:30Z
            daily-2026-12-02  0     0     10       2026-12-02T07:50:00Z  -
            """);
    assertThat(server.requests(NamespacesRequest.class))
        .containsExactly(NamespacesRequest.newBuilder().setPrefix("daily-").build());
  }

  @Test
  void namespacesAsJsonHasNumbersAndIsoTimesOrNull() {
    server.namespaces = List.of(DAY_ONE, DAY_TWO);

    Ctl.Result result = ctl.run("namespaces", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonObject document = JsonParser.parseString(result.out()).getAsJsonObject();
    JsonObject first = document.getAsJsonArray("namespaces").get(0).getAsJsonObject();
    assertThat(first.get("namespace").getAsString()).isEqualTo(NS);
    assertThat(first.get("done").getAsJsonPrimitive().isNumber()).isTrue();
    assertThat(first.get("done").getAsLong()).isEqualTo(1200);
    assertThat(first.get("held").getAsLong()).isEqualTo(3);
    assertThat(first.get("pending").getAsLong()).isEqualTo(45);
    assertThat(first.get("oldest_pending").getAsString()).isEqualTo("2026-12-02T07:01:12Z");
    JsonObject second = document.getAsJsonArray("namespaces").get(1).getAsJsonObject();
    assertThat(second.get("latest_done").isJsonNull()).isTrue();
    assertThat(server.requests(NamespacesRequest.class))
        .containsExactly(NamespacesRequest.getDefaultInstance());
  }

  @Test
  void namespacesSaysSoWhenThereAreNone() {
    Ctl.Result result = ctl.run("namespaces", "--prefix", "weekly-");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("No namespaces start with \"weekly-\".\n");
  }

  @Test
  void statsPrintsTheCountsOfOneNamespace() {
    server.stats = DAY_ONE;

    Ctl.Result result = ctl.run("stats", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            namespace       daily-2026-12-01
            done            1200
            held            3
            pending         45
            expected        -
            oldest pending  2026-12-02T07:01:12Z
            latest done     2026-12-02T07:59:30Z
            """);
    assertThat(server.requests(StatsRequest.class))
        .containsExactly(StatsRequest.newBuilder().setNamespace(NS).build());
  }

  @Test
  void statsShowsTheDeclaredTotal() {
    server.stats = DAY_ONE.toBuilder().setExpected(5000).build();

    Ctl.Result table = ctl.run("stats", NS);
    Ctl.Result json = ctl.run("stats", NS, "-o", "json");

    assertThat(table.out()).contains("pending         45\nexpected        5000\n");
    assertThat(JsonParser.parseString(json.out()).getAsJsonObject().get("expected").getAsLong())
        .isEqualTo(5000);
  }

  @Test
  void statsAsJsonTakesTheOutputOptionBeforeOrAfterTheCommand() {
    server.stats = DAY_TWO;

    Ctl.Result after = ctl.run("stats", "daily-2026-12-02", "-o", "json");
    Ctl.Result before = ctl.run("--output=json", "stats", "daily-2026-12-02");

    assertThat(after.exitCode()).as(after.err()).isZero();
    assertThat(before.out()).isEqualTo(after.out());
    JsonObject stats = JsonParser.parseString(after.out()).getAsJsonObject();
    assertThat(stats.keySet())
        .containsExactly(
            "namespace", "done", "held", "pending", "oldest_pending", "latest_done", "expected");
    assertThat(stats.get("pending").getAsLong()).isEqualTo(10);
    assertThat(stats.get("done").getAsLong()).isZero();
    assertThat(stats.get("latest_done").isJsonNull()).isTrue();
  }

  @Test
  void listPrintsStatusTokenTimesAndMetadataOnOneLineEach() {
    server.listed = List.of(HELD, FAILED, DONE);

    Ctl.Result result = ctl.run("list", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            NAME        STATUS   TOKEN  DONE AT               LEASE EXPIRES         METADATA
            file-2.csv  held     2      -                     2026-12-02T08:05:00Z  attempts=1,last_error=timeout
            file-3.csv  pending  3      -                     2026-12-02T07:45:00Z  attempts=3,failed=true,last_error=bad row\\nat line 7
            file-1.csv  done     1      2026-12-02T07:30:00Z  2026-12-02T07:40:00Z  -
            """);
    assertThat(server.requests(ListRequest.class))
        .containsExactly(
            ListRequest.newBuilder()
                .setFilter(ListRequest.Filter.newBuilder().setNamespace(NS))
                .build());
  }

  @Test
  void listSendsTheExactNamespaceStatusAndMetadataFilters() {
    assertThat(ctl.run("list", NS, "--status", "pending").exitCode()).isZero();
    assertThat(ctl.run("list", NS, "--status", "held").exitCode()).isZero();
    assertThat(ctl.run("list", NS, "--status", "DONE").exitCode()).isZero();
    assertThat(ctl.run("list", NS, "--failed", "--metadata", "owner=etl").exitCode()).isZero();

    assertThat(server.requests(ListRequest.class))
        .extracting(ListRequest::getFilter)
        .containsExactly(
            filter().setStatus(ListRequest.Filter.Status.AVAILABLE).build(),
            filter().setStatus(ListRequest.Filter.Status.HELD).build(),
            filter().setStatus(ListRequest.Filter.Status.DONE).build(),
            filter().putMetadata("owner", "etl").putMetadata("failed", "true").build());
  }

  private static ListRequest.Filter.Builder filter() {
    return ListRequest.Filter.newBuilder().setNamespace(NS);
  }

  @Test
  void listLeavesOutResourcesOfOtherNamespacesThatAServerIgnoringTheExactFilterSends() {
    server.listed = List.of(HELD, HELD.toBuilder().setNamespace(NS + "0").setName("other").build());

    Ctl.Result result = ctl.run("list", NS, "-o", "json");

    JsonObject document = JsonParser.parseString(result.out()).getAsJsonObject();
    assertThat(document.getAsJsonArray("resources")).hasSize(1);
    assertThat(
            document.getAsJsonArray("resources").get(0).getAsJsonObject().get("name").getAsString())
        .isEqualTo("file-2.csv");
  }

  @Test
  void listAsJsonCarriesEveryFieldButTheHandleIdAndSaysWhenTheLimitCutItShort() {
    server.listed = List.of(DONE, HELD, FAILED);

    Ctl.Result result = ctl.run("list", NS, "--limit", "1", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonObject document = JsonParser.parseString(result.out()).getAsJsonObject();
    assertThat(document.get("namespace").getAsString()).isEqualTo(NS);
    assertThat(document.get("truncated").getAsBoolean()).isTrue();
    assertThat(document.getAsJsonArray("resources")).hasSize(1);
    JsonObject done = document.getAsJsonArray("resources").get(0).getAsJsonObject();
    assertThat(done.keySet())
        .containsExactly(
            "namespace", "name", "status", "fencing_token", "done_at", "lease_expires", "metadata");
    assertThat(done.get("status").getAsString()).isEqualTo("done");
    assertThat(done.get("fencing_token").getAsLong()).isEqualTo(1);
    assertThat(done.get("done_at").getAsString()).isEqualTo("2026-12-02T07:30:00Z");
    assertThat(done.getAsJsonObject("metadata").get("attempts").getAsString()).isEmpty();
    assertThat(result.out()).doesNotContain("0123456789abcdef").doesNotContain("MDEy");
  }

  @Test
  void listWithinTheLimitIsNotTruncated() {
    server.listed = List.of(DONE, HELD);

    Ctl.Result table = ctl.run("list", NS, "--limit", "2");
    Ctl.Result json = ctl.run("list", NS, "--limit", "2", "-o", "json");

    assertThat(table.out().lines()).hasSize(3);
    assertThat(table.err()).isEmpty();
    assertThat(JsonParser.parseString(json.out()).getAsJsonObject().get("truncated").getAsBoolean())
        .isFalse();
  }

  @Test
  void listTellsOnStandardErrorWhenTheLimitCutTheTableShort() {
    server.listed = List.of(DONE, HELD, FAILED);

    Ctl.Result result = ctl.run("list", NS, "--limit", "2");

    assertThat(result.out().lines()).hasSize(3);
    assertThat(result.err()).isEqualTo("(the first 2 shown; more match: raise --limit)\n");
  }

  @Test
  void listRefusesALimitBelowOneAndAContradictoryFailedFilter() {
    Ctl.Result zero = ctl.run("list", NS, "--limit", "0");
    Ctl.Result contradiction = ctl.run("list", NS, "--failed", "--metadata", "failed=false");

    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.err()).contains("--limit must be at least 1");
    assertThat(contradiction.exitCode()).isEqualTo(2);
    assertThat(contradiction.err()).contains("--failed contradicts --metadata failed=false");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void listSaysSoWhenNothingMatches() {
    Ctl.Result result = ctl.run("list", NS, "--status", "held");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("No resources in " + NS + " match.\n");
  }

  @Test
  void getPrintsOneResourceWithEachMetadataKeyOnItsOwnLine() {
    server.handle = HELD;

    Ctl.Result result = ctl.run("get", NS, "file-2.csv");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            namespace      daily-2026-12-01
            name           file-2.csv
            status         held
            fencing token  2
            done at        -
            lease expires  2026-12-02T08:05:00Z
            metadata       attempts=1
                           last_error=timeout
            """);
    assertThat(server.requests(GetRequest.class))
        .containsExactly(GetRequest.newBuilder().setNamespace(NS).setName("file-2.csv").build());
  }

  @Test
  void getAsJsonIsTheResourceObject() {
    server.handle = FAILED;

    Ctl.Result result = ctl.run("get", NS, "file-3.csv", "-o", "json");

    JsonObject resource = JsonParser.parseString(result.out()).getAsJsonObject();
    assertThat(resource.get("status").getAsString()).isEqualTo("pending");
    assertThat(resource.get("done_at").isJsonNull()).isTrue();
    assertThat(resource.getAsJsonObject("metadata").entrySet())
        .extracting(Map.Entry::getKey)
        .containsExactly("attempts", "failed", "last_error");
    assertThat(resource.getAsJsonObject("metadata").get("last_error").getAsString())
        .isEqualTo("bad row\nat line 7");
  }
}
