package dev.accord.ctl;

import dev.accord.api.admin.GetRequest;
import dev.accord.api.v1.Handle;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "get", description = "One resource: its status, fencing token, times and metadata.")
final class GetCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Parameters(index = "1", paramLabel = "NAME", description = "The resource's name.")
  String name;

  @Override
  public Integer call() {
    Session session = root.session();
    Handle handle =
        session.admin().get(GetRequest.newBuilder().setNamespace(namespace).setName(name).build());
    Instant now = session.clock().instant();
    if (session.format() == Format.json) {
      Json.print(session.out(), ResourceView.json(handle, now));
      return 0;
    }
    Table table =
        new Table("", "")
            .row("namespace", handle.getNamespace())
            .row("name", handle.getName())
            .row("status", ResourceView.status(handle, now))
            .row("fencing token", Integer.toUnsignedString(handle.getNumAcquired()))
            .row("done at", Times.cell(handle.getDoneTms()))
            .row("lease expires", Times.cell(handle.getExpTms()));
    Map<String, String> metadata = new TreeMap<>(handle.getMetadataMap());
    metadata.values().removeIf(String::isEmpty);
    if (metadata.isEmpty()) {
      table.row("metadata", "-");
    }
    String label = "metadata";
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      table.row(label, entry.getKey() + "=" + entry.getValue());
      label = "";
    }
    table.print(session.out());
    return 0;
  }
}
