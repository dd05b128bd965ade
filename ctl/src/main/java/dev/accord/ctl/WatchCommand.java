package dev.accord.ctl;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.accord.api.ErrorReasons;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "watch",
    description = {
      "Streams the names of a namespace as they are done, reset or deleted, until Ctrl-C.",
      "Table: one line per name (time seen, event, name). JSON: one object per line.",
      "When the server goes away (a restart), it resumes where it was from another replica."
    })
final class WatchCommand implements Callable<Integer> {
  private static final long FIRST_RETRY_MILLIS = 500;
  private static final long MAX_RETRY_MILLIS = 10_000;

  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Override
  public Integer call() throws InterruptedException {
    Session session = root.session();
    if (session.format() == Format.table) {
      session
          .err()
          .println("Watching " + namespace + " on " + session.target() + " (Ctrl-C to stop)...");
      session.err().flush();
    }
    ByteString cursor = ByteString.EMPTY;
    long retryMillis = FIRST_RETRY_MILLIS;
    while (true) {
      try {
        Iterator<WatchResponse> stream =
            session
                .v1Unbounded()
                .watch(WatchRequest.newBuilder().setNamespace(namespace).setCursor(cursor).build());
        while (stream.hasNext()) {
          WatchResponse response = stream.next();
          cursor = response.getCursor().isEmpty() ? cursor : response.getCursor();
          retryMillis = FIRST_RETRY_MILLIS;
          print(session, response);
        }
        session.err().println("The server ended the watch.");
        return 0;
      } catch (StatusRuntimeException e) {
        boolean expired = isCursorExpired(e);
        // Before the first response there is nothing to resume: the target is wrong or refuses.
        if (cursor.isEmpty() || !(expired || e.getStatus().getCode() == Status.Code.UNAVAILABLE)) {
          throw e;
        }
        if (expired) {
          cursor = ByteString.EMPTY;
          session
              .err()
              .println(
                  "accordctl: the server no longer knows where this watch was; watching from now"
                      + " on (names done or removed meanwhile are not shown)");
        } else {
          session
              .err()
              .println(
                  "accordctl: the watch was cut ("
                      + e.getStatus().getCode()
                      + ": "
                      + e.getStatus().getDescription()
                      + "); resuming");
        }
        session.err().flush();
        Thread.sleep(retryMillis);
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      }
    }
  }

  private static boolean isCursorExpired(StatusRuntimeException e) {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) {
      return false;
    }
    for (com.google.protobuf.Any detail : details.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          if (ErrorReasons.CURSOR_EXPIRED.equals(detail.unpack(ErrorInfo.class).getReason())) {
            return true;
          }
        } catch (InvalidProtocolBufferException malformed) {
          throw new IllegalStateException("the server sent a malformed ErrorInfo", malformed);
        }
      }
    }
    return false;
  }

  private void print(Session session, WatchResponse response) {
    if (response.getNamesCount() == 0
        && response.getRemovedCount() == 0
        && !response.getRemovedAll()) {
      return; // a bookmark: nothing happened
    }
    String time = Times.iso(session.clock().millis());
    if (session.format() == Format.json) {
      printJson(session.out(), time, response);
    } else {
      printLines(session.out(), time, response);
    }
  }

  /** In the order a cache applies them: everything removed, then what was removed, then done. */
  private static void printLines(PrintWriter out, String time, WatchResponse response) {
    if (response.getRemovedAll()) {
      out.println(time + "  removed  (every name done until now)");
    }
    response.getRemovedList().forEach(name -> out.println(time + "  removed  " + name));
    response.getNamesList().forEach(name -> out.println(time + "  done     " + name));
    out.flush();
  }

  private static void printJson(PrintWriter out, String time, WatchResponse response) {
    JsonObject event = new JsonObject();
    event.addProperty("time", time);
    event.addProperty("removed_all", response.getRemovedAll());
    event.add("removed", Json.strings(response.getRemovedList()));
    event.add("done", Json.strings(response.getNamesList()));
    Json.printLine(out, event);
  }
}
