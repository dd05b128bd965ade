package dev.accord.ctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import io.grpc.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", description = "Resources of a namespace, newest first.")
final class ListCommand implements Callable<Integer> {
  /** The metadata the work loop sets on a resource it gave up on after maxAttempts. */
  static final String FAILED_KEY = "failed";

  /** Which resources to list. */
  enum Status {
    /** Marked done. */
    done(ListRequest.Filter.Status.DONE),
    /** Not done and not under a running lease: what the next acquire would grant. */
    pending(ListRequest.Filter.Status.AVAILABLE),
    /** Not done, under a running lease. */
    held(ListRequest.Filter.Status.HELD);

    private final ListRequest.Filter.Status filter;

    Status(ListRequest.Filter.Status filter) {
      this.filter = filter;
    }
  }

  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description =
          "Only resources that are ${COMPLETION-CANDIDATES} (pending: neither done nor held).")
  Status status;

  @Option(
      names = "--metadata",
      paramLabel = "KEY=VALUE",
      description = "Only resources whose metadata has this pair; repeat for several.")
  Map<String, String> metadata = new LinkedHashMap<>();

  @Option(
      names = "--failed",
      description = "Only resources the work loop gave up on (metadata " + FAILED_KEY + "=true).")
  boolean failed;

  @Option(names = "--limit", paramLabel = "N", description = "At most N resources (default: all).")
  Integer limit;

  @Override
  public Integer call() {
    Session session = root.session();
    if (limit != null && limit < 1) {
      throw new UsageError("--limit must be at least 1, got " + limit);
    }
    ListRequest.Filter.Builder filter = ListRequest.Filter.newBuilder().setNamespace(namespace);
    if (status != null) {
      filter.setStatus(status.filter);
    }
    filter.putAllMetadata(metadata);
    if (failed) {
      String given = metadata.get(FAILED_KEY);
      if (given != null && !given.equals("true")) {
        throw new UsageError("--failed contradicts --metadata " + FAILED_KEY + "=" + given);
      }
      filter.putMetadata(FAILED_KEY, "true");
    }
    List<Handle> handles = new ArrayList<>();
    boolean more = read(session, ListRequest.newBuilder().setFilter(filter).build(), handles);
    print(session, handles, more);
    return 0;
  }

  /**
   * Reads the stream into {@code handles} up to the limit; true when more would have followed. The
   * namespace is checked too: a server that predates the exact filter ignores it.
   */
  private boolean read(Session session, ListRequest request, List<Handle> handles) {
    boolean[] more = {false};
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      call.run(
          () -> {
            Iterator<Handle> stream = session.v1().list(request);
            while (stream.hasNext()) {
              Handle handle = stream.next();
              if (!handle.getNamespace().equals(namespace)) {
                continue;
              }
              if (limit != null && handles.size() == limit) {
                more[0] = true;
                return;
              }
              handles.add(handle);
            }
          });
    } finally {
      // Ends the stream at the server when the limit cut it short.
      call.cancel(null);
    }
    return more[0];
  }

  private void print(Session session, List<Handle> handles, boolean more) {
    Instant now = session.clock().instant();
    if (session.format() == Format.json) {
      JsonArray resources = new JsonArray();
      handles.forEach(handle -> resources.add(ResourceView.json(handle, now)));
      JsonObject document = new JsonObject();
      document.addProperty("namespace", namespace);
      document.add("resources", resources);
      document.addProperty("truncated", more);
      Json.print(session.out(), document);
      return;
    }
    if (handles.isEmpty()) {
      session.out().println("No resources in " + namespace + " match.");
      return;
    }
    Table table = new Table(ResourceView.HEADINGS);
    handles.forEach(handle -> table.row(ResourceView.row(handle, now)));
    table.print(session.out());
    if (more) {
      session.err().println("(the first " + limit + " shown; more match: raise --limit)");
    }
  }
}
