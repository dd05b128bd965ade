package dev.accord.bench.load;

import dev.accord.server.backend.postgres.Statements;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Runs pgbench for a cell: our own statements ({@link PgbenchScript}, mode pgbench) or the seed
 * design's ({@link SeedBaseline}, mode seed), as prepared statements, one connection per worker.
 * One script execution is one item; its latency comes from pgbench's per-transaction log.
 */
final class Pgbench {

  private static final Pattern TPS =
      Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern PROCESSED =
      Pattern.compile("number of transactions actually processed: (\\d+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
  private static final Pattern ABORTED = Pattern.compile("client \\d+ .*aborted");
  private static final Pattern STATEMENT_LATENCY =
      Pattern.compile("^\\s*([0-9.]+)\\s+(?:\\d+\\s+)?(\\S.*)$");

  private final Path executable;

  Pgbench(Path executable) {
    this.executable = executable;
  }

  Path executable() {
    return executable;
  }

  /** What {@code pgbench --version} says. */
  String version() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    process.waitFor();
    return output;
  }

  /**
   * One cell's settings.
   *
   * @param mode pgbench (our statements) or seed (the seed design's)
   * @param names workload b: the contended names "0" … "names-1"; c: the seeded list's length
   */
  record Cell(
      Mode mode,
      Workload workload,
      int workers,
      String namespace,
      int ttlSeconds,
      int names,
      Duration warmup,
      Duration duration) {}

  /**
   * Runs the warm-up, then the measured run with per-transaction logging into {@code workDir}. Both
   * runs' output is appended to {@code log}.
   */
  CellResult run(Cell cell, Map<String, String> libpq, Path scriptFile, Path workDir, Path log)
      throws IOException, InterruptedException {
    List<String> base =
        new ArrayList<>(
            List.of(
                executable.toString(),
                "-n",
                "-M",
                "prepared",
                "-c",
                Integer.toString(cell.workers()),
                "-j",
                Integer.toString(Math.min(cell.workers(), 2)),
                "-f",
                scriptFile.toString(),
                "-D",
                "ns=" + cell.namespace(),
                "-D",
                "ttl=" + cell.ttlSeconds(),
                "-D",
                "keys={}",
                "-D",
                "values={}",
                "-D",
                "names=" + Math.max(cell.names(), 1),
                "-D",
                "pos=-1",
                "-D",
                "release_ttl=0",
                "-D",
                "holder=pgbench"));
    List<String> warmup = new ArrayList<>(base);
    warmup.addAll(List.of("-T", Long.toString(cell.warmup().toSeconds())));
    Run warm = cell.warmup().isZero() ? null : execute(warmup, libpq, workDir, log);
    Path prefix = workDir.resolve("tx");
    List<String> measured = new ArrayList<>(base);
    measured.addAll(
        List.of(
            "-T",
            Long.toString(cell.duration().toSeconds()),
            "-r",
            "-l",
            "--log-prefix=" + prefix));
    Run run = execute(measured, libpq, workDir, log);

    long errors = run.errors() + (warm == null ? 0 : warm.errors());
    String firstError =
        warm != null && warm.firstError() != null ? warm.firstError() : run.firstError();
    Histogram items = new Histogram(3);
    try (Stream<Path> files = Files.list(workDir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("tx.")).toList()) {
        readLog(file, items);
      }
    }
    Matcher tps = TPS.matcher(run.output());
    Matcher processed = PROCESSED.matcher(run.output());
    double perSecond = tps.find() ? Double.parseDouble(tps.group(1)) : 0;
    long count = processed.find() ? Long.parseLong(processed.group(1)) : items.getTotalCount();
    Map<String, Latency> latency = new LinkedHashMap<>();
    latency.put("item", Latency.of(items));
    return new CellResult(
        cell.workload().id,
        cell.workers(),
        cell.mode().id,
        CellResult.OK,
        null,
        cell.namespace(),
        cell.duration().toSeconds(),
        count,
        perSecond,
        errors,
        firstError,
        Map.of(),
        latency,
        statementLatencies(run.output(), cell.workload()));
  }

  /**
   * pgbench's mean latency per statement ({@code -r}), named acquire and done (release in workload
   * b: both are an update of the row, with the same first line).
   */
  private static Map<String, Double> statementLatencies(String output, Workload workload) {
    Map<String, Double> means = new LinkedHashMap<>();
    Map<String, String> firstLines =
        Map.of(
            firstLine(Statements.ACQUIRE_SQL),
            "acquire",
            firstLine(workload == Workload.B ? Statements.RENEW_SQL : Statements.DONE_SQL),
            workload == Workload.B ? "release" : "done");
    boolean inSection = false;
    for (String line : output.split("\n")) {
      if (line.startsWith("statement latencies")) {
        inSection = true;
        continue;
      }
      Matcher matcher = STATEMENT_LATENCY.matcher(line);
      if (inSection && matcher.matches()) {
        String name = firstLines.get(matcher.group(2).strip());
        if (name != null) {
          means.put(name, Double.parseDouble(matcher.group(1)));
        }
      } else if (inSection) {
        inSection = false;
      }
    }
    return means;
  }

  private static String firstLine(String sql) {
    return sql.strip().lines().findFirst().orElse("").strip();
  }

  /**
   * Lines of {@code client_id transaction_no time_us script_no epoch epoch_us}; failed ones say
   * "failed".
   */
  private static void readLog(Path file, Histogram items) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] fields = line.split(" ");
        if (fields.length > 2 && !fields[2].isEmpty() && Character.isDigit(fields[2].charAt(0))) {
          items.recordValue(Long.parseLong(fields[2]) * 1000);
        }
      }
    }
  }

  private record Run(String output, long errors, String firstError) {}

  private static Run execute(
      List<String> command, Map<String, String> libpq, Path workDir, Path log)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(libpq);
    builder.environment().put("PGAPPNAME", "accord-bench-pgbench");
    Path stdout = Files.createTempFile(workDir, "pgbench-", ".out");
    Path stderr = Files.createTempFile(workDir, "pgbench-", ".err");
    try {
      builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
      int exit = builder.start().waitFor();
      String output = Files.readString(stdout);
      String errorOutput = Files.readString(stderr);
      Files.writeString(
          log,
          "$ " + String.join(" ", command) + "\n" + output + errorOutput + "exit " + exit + "\n\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      long errors = 0;
      String firstError = null;
      for (String line : errorOutput.split("\n")) {
        if (ABORTED.matcher(line).find()) {
          errors++;
        }
        if (firstError == null && line.contains("error")) {
          firstError = line.strip();
        }
      }
      Matcher failed = FAILED.matcher(output);
      if (failed.find()) {
        errors += Long.parseLong(failed.group(1));
      }
      if (exit != 0 && errors == 0) {
        errors = 1;
        if (firstError == null) {
          firstError =
              "pgbench exited with code "
                  + exit
                  + ": "
                  + Arrays.stream(errorOutput.split("\n"))
                      .filter(l -> !l.isBlank())
                      .findFirst()
                      .orElse("no message");
        }
      }
      return new Run(output, errors, firstError);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }
}
