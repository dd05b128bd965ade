package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.admin.ResetRequest;
import dev.accord.api.admin.ResetResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "reset",
    description = {
      "Makes done resources pending again, for a rerun: named ones, or every one with --all.",
      "Fencing tokens carry on from where they were; clients' done-caches drop the names."
    })
final class ResetCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Parameters(
      index = "1..*",
      arity = "0..*",
      paramLabel = "NAME",
      description = "Done resources to reset, 1 to " + Names.MAX + ".")
  List<String> names = List.of();

  @Option(names = "--all", description = "Every done resource of the namespace.")
  boolean all;

  @Option(
      names = "--yes",
      description = "Do not ask for confirmation (required without a terminal).")
  boolean yes;

  @Override
  public Integer call() {
    Session session = root.session();
    Set<String> unique = Names.unique(names, "run it in parts, or use --all");
    if (all == !unique.isEmpty()) {
      throw new UsageError(
          all
              ? "give names or --all, not both"
              : "name the resources to reset, or give --all for every done one");
    }
    Confirmation.require(
        session,
        yes,
        all
            ? "Reset EVERY done resource of namespace " + namespace + " to pending?"
            : "Reset "
                + Names.count(unique.size(), "resource")
                + " of namespace "
                + namespace
                + " to pending?",
        "nothing was reset");
    ResetResponse response =
        session
            .admin()
            .reset(
                ResetRequest.newBuilder()
                    .setNamespace(namespace)
                    .addAllNames(unique)
                    .setAll(all)
                    .build());
    if (session.format() == Format.json) {
      JsonObject document = new JsonObject();
      document.addProperty("namespace", namespace);
      document.addProperty("reset", response.getReset());
      Json.print(session.out(), document);
    } else {
      session
          .out()
          .println(
              "Reset "
                  + Names.count(response.getReset(), "done resource")
                  + " of "
                  + namespace
                  + ": pending again.");
    }
    return 0;
  }
}
