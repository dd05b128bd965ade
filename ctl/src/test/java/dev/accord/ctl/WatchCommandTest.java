package dev.accord.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** watch: one line per name done or removed, in the order a cache applies them. */
class WatchCommandTest {
  static final String NS = "daily-2026-12-01";
  static final String TIME = "2026-12-02T08:00:00Z";

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
            WatchResponse.newBuilder().addRemoved("a").build(),
            WatchResponse.newBuilder().setRemovedAll(true).addNames("c").build());
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
  void aBrokenStreamExitsOneAfterPrintingWhatCameBefore() {
    server.watchEnd = Status.UNAVAILABLE.withDescription("server shutting down: watch again");

    Ctl.Result result = ctl.run("watch", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out().lines()).hasSize(5);
    assertThat(result.err())
        .endsWith(
            "accordctl: UNAVAILABLE: server shutting down: watch again (from "
                + server.target()
                + ")\n");
  }
}
