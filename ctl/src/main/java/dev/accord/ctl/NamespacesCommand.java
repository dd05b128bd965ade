package dev.accord.ctl;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.NamespacesRequest;
import dev.accord.api.admin.NamespacesResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "namespaces",
    description = "The namespaces you may read, with their counts, in name order.")
final class NamespacesCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      defaultValue = "",
      description = "Only namespaces starting with this (literally).")
  String prefix;

  @Override
  public Integer call() {
    Session session = root.session();
    NamespacesResponse response =
        session.admin().namespaces(NamespacesRequest.newBuilder().setPrefix(prefix).build());
    if (session.format() == Format.json) {
      JsonArray namespaces = new JsonArray();
      response.getNamespacesList().forEach(stats -> namespaces.add(StatsView.json(stats)));
      JsonObject document = new JsonObject();
      document.add("namespaces", namespaces);
      Json.print(session.out(), document);
    } else if (response.getNamespacesCount() == 0) {
      session
          .out()
          .println(
              prefix.isEmpty() ? "No namespaces." : "No namespaces start with \"" + prefix + "\".");
    } else {
      Table table = new Table(StatsView.HEADINGS);
      for (NamespaceStats stats : response.getNamespacesList()) {
        table.row(StatsView.row(stats));
      }
      table.print(session.out());
    }
    return 0;
  }
}
