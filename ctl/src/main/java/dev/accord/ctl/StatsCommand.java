package dev.accord.ctl;

import dev.accord.api.admin.NamespaceStats;
import dev.accord.api.admin.StatsRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "stats",
    description =
        "How far a namespace is: done, held (lease running) and pending resources, and the total"
            + " declared with expect.")
final class StatsCommand implements Callable<Integer> {
  @ParentCommand AccordCtl root;

  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "The namespace, exactly.")
  String namespace;

  @Override
  public Integer call() {
    Session session = root.session();
    NamespaceStats stats =
        session.admin().stats(StatsRequest.newBuilder().setNamespace(namespace).build());
    if (session.format() == Format.json) {
      Json.print(session.out(), StatsView.json(stats));
    } else {
      new Table("", "")
          .row("namespace", stats.getNamespace())
          .row("done", Long.toUnsignedString(stats.getDone()))
          .row("held", Long.toUnsignedString(stats.getHeld()))
          .row("pending", Long.toUnsignedString(stats.getPending()))
          .row("expected", StatsView.expected(stats))
          .row("oldest pending", Times.cell(stats.getOldestPendingTms()))
          .row("latest done", Times.cell(stats.getLatestDoneTms()))
          .print(session.out());
    }
    return 0;
  }
}
