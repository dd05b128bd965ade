package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.admin.ReleaseRequest;
import dev.accord.api.admin.ReleaseResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "release",
    description = {
      "Ends the running lease of each named resource now: the next acquire grants it, with a"
          + " greater fencing token, and the old holder's handle is refused.",
      "Done resources, unknown names and names not under a lease are left alone."
    })
final class ReleaseCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "NAME",
      description = "Resources to release, 1 to " + Names.MAX + ".")
  List<String> names;

  @Option(
      names = "--yes",
      description = "Do not ask for confirmation (required without a terminal).")
  boolean yes;

  @Override
  public Integer call() {
    Session session = root.session();
    Set<String> unique = Names.unique(names, "run it in parts");
    Confirmation.require(
        session,
        yes,
        "Release the leases of "
            + Names.count(unique.size(), "resource")
            + " in namespace "
            + namespace
            + "? Their holders lose them.",
        "nothing was released");
    ReleaseResponse response =
        session
            .admin()
            .release(
                ReleaseRequest.newBuilder().setNamespace(namespace).addAllNames(unique).build());
    List<String> notReleased = new ArrayList<>(unique);
    notReleased.removeAll(response.getReleasedList());
    if (session.format() == Format.json) {
      JsonObject document = new JsonObject();
      document.addProperty("namespace", namespace);
      document.add("released", Json.strings(response.getReleasedList()));
      document.add("not_released", Json.strings(notReleased));
      Json.print(session.out(), document);
      return 0;
    }
    session
        .out()
        .println(
            "Released "
                + response.getReleasedCount()
                + " of "
                + Names.count(unique.size(), "lease")
                + " in "
                + namespace
                + ".");
    Table table = new Table("NAME", "RESULT");
    response.getReleasedList().forEach(name -> table.row(name, "released"));
    notReleased.forEach(name -> table.row(name, "not under a lease (done, unknown or free)"));
    table.print(session.out());
    return 0;
  }
}
