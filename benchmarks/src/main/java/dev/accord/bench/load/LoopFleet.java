package dev.accord.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Runs workload d for one {@link LoopShape}: starts K {@link LoopWorker} processes (separate JVMs
 * from this class path, each with its own small heap, as pods), waits until each says READY, sends
 * them GO at once and times until the last one reports.
 */
final class LoopFleet {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

  private final String target;
  private final Path log;

  /**
   * @param target host:port of the Accord server (plaintext)
   * @param log where the workers' stderr is appended
   */
  LoopFleet(String target, Path log) {
    this.target = target;
    this.log = log;
  }

  /**
   * Workload d: each fleet shape from a cold start on a fresh list, then over a seeded list mostly
   * done (when the run has the database to seed).
   *
   * @param db null when the run has no database of its own: the sweep phase is left out
   * @param serverTarget null when mode server is not run
   */
  static List<LoopResult> runAll(
      Options options, Database db, String serverTarget, String runId, PrintStream progress)
      throws Exception {
    List<LoopResult> loops = new ArrayList<>();
    if (!options.workloads.contains(Workload.D)) {
      return loops;
    }
    if (serverTarget == null || options.secure) {
      progress.println(
          "Workload d not run: its worker processes need mode server, in plaintext (no --secure)");
      return loops;
    }
    LoopFleet fleet = new LoopFleet(serverTarget, options.out.resolve("loop-workers.log"));
    for (LoopShape shape : options.loopShapes) {
      for (String phase : db == null ? List.of("cold") : List.of("cold", "sweep")) {
        String namespace = "bench-" + runId + "-d-" + shape + "-" + phase;
        if (phase.equals("sweep")) {
          db.seed(
              namespace,
              options.loopNames,
              options.sweepDonePercent,
              options.ttlSeconds,
              "bench-seeder",
              options.seed);
        }
        if (db != null) {
          db.checkpoint();
        }
        LoopResult loop = fleet.run(shape, phase, namespace, options.loopNames);
        loops.add(loop);
        progress.println(
            String.format(
                Locale.ROOT,
                "d %s %-5s %,9.0f items/s (%.1f %% of ideal %,.0f)  item p50 %.2f p99 %.2f ms  "
                    + "last item at %.2f s  errors %d%s",
                shape,
                phase,
                loop.itemsPerSecond(),
                loop.percentOfIdeal(),
                loop.idealPerSecond(),
                loop.item().p50Ms(),
                loop.item().p99Ms(),
                loop.seconds(),
                loop.errors(),
                loop.firstError() == null ? "" : " (" + loop.firstError() + ")"));
      }
    }
    return loops;
  }

  /** Runs the fleet over names "0" … "names-1" of {@code namespace}, which it seeded or not. */
  LoopResult run(LoopShape shape, String phase, String namespace, int names)
      throws IOException, InterruptedException {
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      for (int k = 0; k < shape.processes(); k++) {
        int first = (int) ((long) k * names / shape.processes());
        ProcessBuilder builder =
            new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                LoopWorker.class.getName(),
                target,
                namespace,
                "bench-loop-" + k,
                Integer.toString(shape.threads()),
                Integer.toString(shape.workMillis()),
                Integer.toString(names),
                Integer.toString(first));
        builder.environment().keySet().removeIf(name -> name.startsWith("ACCORD_"));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process = builder.start();
        processes.add(process);
        outputs.add(
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
      }
      long readyBy = System.nanoTime() + READY_TIMEOUT.toNanos();
      for (BufferedReader output : outputs) {
        String line = output.readLine();
        if (!"READY".equals(line) || System.nanoTime() > readyBy) {
          return failed(shape, phase, namespace, names, "a worker did not start: see " + log);
        }
      }
      long go = System.nanoTime();
      for (Process process : processes) {
        OutputStream in = process.getOutputStream();
        in.write("GO\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
      Histogram items = new Histogram(3);
      long done = 0;
      long skipped = 0;
      long failedNames = 0;
      long errors = 0;
      String firstError = null;
      long last = go;
      for (BufferedReader output : outputs) {
        String line = output.readLine();
        if (line == null || !line.startsWith("RESULT ")) {
          errors++;
          firstError =
              firstError == null ? "a worker ended without a result: see " + log : firstError;
          continue;
        }
        last = Math.max(last, System.nanoTime());
        String[] fields = line.split(" ");
        done += Long.parseLong(fields[1]);
        skipped += Long.parseLong(fields[3]);
        failedNames += Long.parseLong(fields[4]);
        items.add(decode(fields[5]));
      }
      for (Process process : processes) {
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            || process.exitValue() != 0) {
          errors++;
          firstError =
              firstError == null ? "a worker exited with an error: see " + log : firstError;
        }
      }
      double seconds = (last - go) / 1e9;
      double perSecond = seconds > 0 ? done / seconds : 0;
      return new LoopResult(
          shape.toString(),
          shape.processes(),
          shape.threads(),
          shape.workMillis(),
          phase,
          namespace,
          names,
          done,
          seconds,
          perSecond,
          shape.idealPerSecond(),
          100 * perSecond / shape.idealPerSecond(),
          Latency.of(items),
          skipped,
          failedNames,
          errors + failedNames,
          failedNames > 0 && firstError == null ? failedNames + " names failed" : firstError);
    } finally {
      for (Process process : processes) {
        process.destroy();
      }
      for (Process process : processes) {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  private static Histogram decode(String base64) throws IOException {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IOException("a worker's histogram does not decode", e);
    }
  }

  private static LoopResult failed(
      LoopShape shape, String phase, String namespace, int names, String why) {
    return new LoopResult(
        shape.toString(),
        shape.processes(),
        shape.threads(),
        shape.workMillis(),
        phase,
        namespace,
        names,
        0,
        0,
        0,
        shape.idealPerSecond(),
        0,
        Latency.of(new Histogram(3)),
        0,
        0,
        1,
        why);
  }
}
