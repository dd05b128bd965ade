package dev.accord.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What became of a work loop's names so far: done, skipped (already done) and failed, counted as
 * they happen and reported to the client's metrics. Safe from any thread.
 */
final class SweepTally {
  private final ClientMetrics metrics;
  private final LongAdder done = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();

  SweepTally(ClientMetrics metrics) {
    this.metrics = metrics;
  }

  void succeeded() {
    done.increment();
    metrics.workItems(ClientMetrics.WorkItem.DONE, 1);
  }

  void skipped(int names) {
    skipped.add(names);
    metrics.workItems(ClientMetrics.WorkItem.SKIPPED, names);
  }

  void failed(String name) {
    if (failed.add(name)) {
      metrics.workItems(ClientMetrics.WorkItem.FAILED, 1);
    }
  }

  /**
   * The counts, with the names held by others and the tasks running now as the sweep knows them.
   */
  WorkLoop.Progress progress(Set<String> held, int inFlight) {
    return new WorkLoop.Progress(
        done.sum(),
        held.size(),
        failed.size(),
        skipped.sum(),
        inFlight,
        List.copyOf(failed),
        List.copyOf(held));
  }
}
