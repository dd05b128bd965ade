package dev.accord.bench.load;

import java.util.Map;

/**
 * What one cell (workload × workers × mode) measured. Figures cover the measured window only (after
 * the warm-up), except {@code errors}, which counts every error of the cell, warm-up included.
 *
 * @param status {@code ok}, or {@code not run} with the reason in {@code reason}
 * @param namespace the cell's own namespace
 * @param seconds length of the measured window
 * @param items items completed in it
 * @param itemsPerSecond items / seconds (pgbench: its tps without the initial connection time)
 * @param errors every gRPC error (pgbench: failed transactions and aborted clients)
 * @param firstError the first error's message, or null
 * @param answers acquire answers in the window: ok, held, done (not counted for pgbench)
 * @param latency per call: {@code acquire}, {@code done}, {@code release}; and per item ({@code
 *     item}: from the acquire's start to the end of its done or release, as pgbench times one
 *     script execution)
 * @param meanCommandMs pgbench only: its mean latency of each statement ({@code -r})
 */
record CellResult(
    String workload,
    int workers,
    String mode,
    String status,
    String reason,
    String namespace,
    double seconds,
    long items,
    double itemsPerSecond,
    long errors,
    String firstError,
    Map<String, Long> answers,
    Map<String, Latency> latency,
    Map<String, Double> meanCommandMs) {

  static final String OK = "ok";
  static final String NOT_RUN = "not run";

  static CellResult notRun(Workload workload, int workers, Mode mode, String reason) {
    return new CellResult(
        workload.id,
        workers,
        mode.id,
        NOT_RUN,
        reason,
        null,
        0,
        0,
        0,
        0,
        null,
        Map.of(),
        Map.of(),
        Map.of());
  }

  boolean ran() {
    return OK.equals(status);
  }

  Latency itemLatency() {
    return latency.get("item");
  }
}
