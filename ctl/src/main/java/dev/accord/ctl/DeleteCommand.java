package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.admin.DeleteRequest;
import dev.accord.api.admin.DeleteResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "delete",
    description = {
      "Removes resources of a namespace: every one (held or not), or with --done-before those done"
          + " before a time.",
      "A name granted again afterwards gets a greater fencing token than it ever had."
    })
final class DeleteCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Option(
      names = "--done-before",
      paramLabel = "TIME",
      converter = PointInTime.Converter.class,
      description =
          "Only resources done before TIME: an ISO-8601 instant (2026-11-01T00:00:00Z) or a"
              + " duration ago (30d, 12h, 90m, 45s).")
  PointInTime doneBefore;

  @Option(
      names = "--yes",
      description = "Do not ask for confirmation (required without a terminal).")
  boolean yes;

  @Override
  public Integer call() {
    Session session = root.session();
    // The server keeps milliseconds: show the cutoff as it is sent.
    Instant cutoff =
        doneBefore == null
            ? null
            : doneBefore.resolve(session.clock()).truncatedTo(ChronoUnit.MILLIS);
    if (cutoff != null && cutoff.toEpochMilli() <= 0) {
      throw new UsageError("--done-before must be after 1970-01-01T00:00:00Z, got " + cutoff);
    }
    Confirmation.require(
        session,
        yes,
        cutoff == null
            ? "Delete EVERY resource of namespace "
                + namespace
                + ", held or not? Running leases are lost."
            : "Delete the resources of namespace " + namespace + " done before " + cutoff + "?",
        "nothing was deleted");
    DeleteResponse response =
        session
            .admin()
            .delete(
                DeleteRequest.newBuilder()
                    .setNamespace(namespace)
                    .setDoneBeforeTms(cutoff == null ? 0 : cutoff.toEpochMilli())
                    .build());
    if (session.format() == Format.json) {
      JsonObject document = new JsonObject();
      document.addProperty("namespace", namespace);
      document.addProperty("deleted", response.getDeleted());
      document.addProperty("done_before", cutoff == null ? null : cutoff.toString());
      Json.print(session.out(), document);
    } else {
      session
          .out()
          .println(
              "Deleted "
                  + Names.count(response.getDeleted(), "resource")
                  + " of "
                  + namespace
                  + (cutoff == null ? "." : " done before " + cutoff + "."));
    }
    return 0;
  }
}
