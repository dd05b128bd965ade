package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.admin.ExpectRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "expect",
    description = {
      "Declares how many resources a namespace's sweep has, so its progress (stats, the progress"
          + " page) is measured against the whole sweep, not only the resources acquired so far.",
      "0 clears the declaration. Needs the worker role in the namespace."
    })
final class ExpectCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Parameters(index = "1", paramLabel = "TOTAL", description = "The sweep's resources; 0 clears.")
  long total;

  @Override
  public Integer call() {
    if (total < 0) {
      throw new UsageError("TOTAL must be 0 or more, got " + total);
    }
    Session session = root.session();
    session
        .admin()
        .expect(ExpectRequest.newBuilder().setNamespace(namespace).setTotal(total).build());
    if (session.format() == Format.json) {
      JsonObject document = new JsonObject();
      document.addProperty("namespace", namespace);
      document.addProperty("expected", total);
      Json.print(session.out(), document);
    } else if (total == 0) {
      session.out().println("Cleared the declared total of " + namespace + ".");
    } else {
      session.out().println("Declared " + total + " resources in " + namespace + ".");
    }
    return 0;
  }
}
