package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * watch: one line per name done or removed, in the order a cache applies them; resumed from the
 * last cursor when the stream is cut.
 */
class WatchCommandTest {
  static final String NS = "daily-2026-12-01";
  static final String TIME = "2026-12-02T08:00:00Z";
  static final ByteString LAST_CURSOR = ByteString.copyFromUtf8("c3");

  FakeAccord server;
  Ctl ctl;

  @BeforeEach
  void start() throws Exception {
    server = new FakeAccord();
    ctl = new Ctl(server.target());
    server.watchResponses =
        List.of(
            WatchResponse.newBuilder().setCursor(ByteString.copyFromUtf8("c0")).build(),
            WatchResponse.newBuilder().addNames("a").addNames("b").build(),
            WatchResponse.newBuilder()
                .addRemoved("a")
                .setCursor(ByteString.copyFromUtf8("c2"))
                .build(),
            WatchResponse.newBuilder()
                .setRemovedAll(true)
                .addNames("c")
                .setCursor(LAST_CURSOR)
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void printsEachNameDoneOrRemovedAndSkipsBookmarks() {
    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            TIME
                + "  done     a\n"
                + TIME
                + "  done     b\n"
                + TIME
                + "  removed  a\n"
                + TIME
                + "  removed  (every name done until now)\n"
                + TIME
                + "  done     c\n");
    assertThat(result.err())
        .isEqualTo(
            "Watching "
                + NS
                + " on "
                + server.target()
                + " (Ctrl-C to stop)...\nThe server ended the watch.\n");
    assertThat(server.requests(WatchRequest.class))
        .containsExactly(WatchRequest.newBuilder().setNamespace(NS).build());
  }

  @Test
  void asJsonPrintsOneObjectPerLine() {
    Ctl.Result result = ctl.run("watch", NS, "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines().map(JsonParser::parseString))
        .containsExactly(
            JsonParser.parseString(
                "{\"time\":\""
                    + TIME
                    + "\",\"removed_all\":false,\"removed\":[],\"done\":[\"a\",\"b\"]}"),
            JsonParser.parseString(
                "{\"time\":\""
                    + TIME
                    + "\",\"removed_all\":false,\"removed\":[\"a\"],\"done\":[]}"),
            JsonParser.parseString(
                "{\"time\":\""
                    + TIME
                    + "\",\"removed_all\":true,\"removed\":[],\"done\":[\"c\"]}"));
    assertThat(result.err()).isEqualTo("The server ended the watch.\n");
  }

  @Test
  void aCutStreamIsResumedFromTheLastCursor() {
    server.watchEnds.add(
        Status.UNAVAILABLE
            .withDescription("server shutting down: watch again")
            .asRuntimeException());

    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests(WatchRequest.class))
        .containsExactly(
            WatchRequest.newBuilder().setNamespace(NS).build(),
            WatchRequest.newBuilder().setNamespace(NS).setCursor(LAST_CURSOR).build());
    assertThat(result.err())
        .contains(
            "accordctl: the watch was cut (UNAVAILABLE: server shutting down: watch again);"
                + " resuming\n");
    assertThat(result.out().lines()).hasSize(10);
  }

  @Test
  void anExpiredCursorStartsOverFromNowAndSaysWhatMayBeMissing() {
    com.google.rpc.Status expired =
        com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.FAILED_PRECONDITION.value())
            .setMessage("cursor expired")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain(ErrorReasons.DOMAIN)
                        .setReason(ErrorReasons.CURSOR_EXPIRED)
                        .build()))
            .build();
    server.watchEnds.add(StatusProto.toStatusRuntimeException(expired));

    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(server.requests(WatchRequest.class))
        .extracting(WatchRequest::getCursor)
        .containsExactly(ByteString.EMPTY, ByteString.EMPTY);
    assertThat(result.err()).contains("names done or removed meanwhile are not shown");
  }

  @Test
  void aRefusalMidStreamExitsOneAfterPrintingWhatCameBefore() {
    server.watchEnds.add(
        Status.PERMISSION_DENIED.withDescription("access rules changed").asRuntimeException());

    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out().lines()).hasSize(5);
    assertThat(result.err()).endsWith("accordctl: PERMISSION_DENIED: access rules changed\n");
    assertThat(server.requests(WatchRequest.class)).hasSize(1);
  }

  @Test
  void aWatchThatNeverStartedIsNotRetried() {
    server.failures.put("Watch", Status.UNAVAILABLE.withDescription("database unavailable"));

    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .endsWith("accordctl: UNAVAILABLE: " + server.target() + ": database unavailable\n");
    assertThat(server.authorizations).hasSize(1);
  }
}
