package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Streams the names of a namespace as they are done, reset or deleted, until Ctrl-C.",
      "Table: one line per name (time seen, event, name). JSON: one object per line."
    })
final class WatchCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Override
  public Integer call() {
    Session session = root.session();
    if (session.format() == Format.table) {
      session
          .err()
          .println("Watching " + namespace + " on " + session.target() + " (Ctrl-C to stop)...");
      session.err().flush();
    }
    Iterator<WatchResponse> stream =
        session.v1Unbounded().watch(WatchRequest.newBuilder().setNamespace(namespace).build());
    while (stream.hasNext()) {
      WatchResponse response = stream.next();
      if (response.getNamesCount() == 0
          && response.getRemovedCount() == 0
          && !response.getRemovedAll()) {
        continue; // a bookmark: nothing happened
      }
      String time = Times.iso(session.clock().millis());
      if (session.format() == Format.json) {
        printJson(session.out(), time, response);
      } else {
        printLines(session.out(), time, response);
      }
    }
    session.err().println("The server ended the watch.");
    return 0;
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
