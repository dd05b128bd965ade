package dev.accord.bench.load;

import com.google.gson.GsonBuilder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** results.json, results.md and the throughput charts of a run. */
final class Reports {
  private static final Map<Mode, Color> COLORS =
      Map.of(
          Mode.SERVER,
          new Color(0x1f77b4),
          Mode.DIRECT,
          new Color(0xff7f0e),
          Mode.SEED,
          new Color(0xd62728),
          Mode.PGBENCH,
          new Color(0x2ca02c));

  private Reports() {}

  static void writeJson(Path file, Object document) throws IOException {
    Files.writeString(
        file,
        new GsonBuilder()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .serializeSpecialFloatingPointValues()
                .create()
                .toJson(document)
            + "\n");
  }

  static Optional<CellResult> find(
      List<CellResult> cells, Workload workload, int workers, Mode mode) {
    return cells.stream()
        .filter(
            c ->
                c.workload().equals(workload.id)
                    && c.workers() == workers
                    && c.mode().equals(mode.id))
        .findFirst();
  }

  /**
   * Two lines: server ÷ seed for workload a at each worker count and peak against peak, then server
   * ÷ pgbench (our SQL) at {@code pgbenchWorkers}; "n/a" where a cell did not run.
   */
  static String headline(List<CellResult> cells, List<Integer> concurrency, int pgbenchWorkers) {
    StringBuilder seed = new StringBuilder("server ÷ seed, workload a:");
    Optional<CellResult> serverPeak = Optional.empty();
    Optional<CellResult> seedPeak = Optional.empty();
    for (int workers : concurrency) {
      Optional<CellResult> server = ran(cells, workers, Mode.SERVER);
      Optional<CellResult> baseline = ran(cells, workers, Mode.SEED);
      seed.append(' ').append(workers).append(workers == 1 ? " worker " : " workers ");
      seed.append(
          server.isPresent() && baseline.isPresent()
              ? String.format(Locale.ROOT, "%.2f×", ratio(server.get(), baseline.get()))
              : "n/a");
      seed.append(';');
      serverPeak = higher(serverPeak, server);
      seedPeak = higher(seedPeak, baseline);
    }
    seed.append(" peak against peak ");
    if (serverPeak.isPresent() && seedPeak.isPresent()) {
      seed.append(
          String.format(
              Locale.ROOT,
              "%,.0f (%d workers) ÷ %,.0f (%d) = %.2f×",
              serverPeak.get().itemsPerSecond(),
              serverPeak.get().workers(),
              seedPeak.get().itemsPerSecond(),
              seedPeak.get().workers(),
              ratio(serverPeak.get(), seedPeak.get())));
    } else {
      seed.append("n/a");
    }
    String own = "server ÷ pgbench (our SQL) at " + pgbenchWorkers + " workers, workload a = ";
    Optional<CellResult> server = ran(cells, pgbenchWorkers, Mode.SERVER);
    Optional<CellResult> pgbench = ran(cells, pgbenchWorkers, Mode.PGBENCH);
    own +=
        server.isPresent() && pgbench.isPresent()
            ? String.format(Locale.ROOT, "%.2f×", ratio(server.get(), pgbench.get()))
            : "n/a (not measured in this run)";
    return seed + "\n\n" + own;
  }

  private static Optional<CellResult> ran(List<CellResult> cells, int workers, Mode mode) {
    return find(cells, Workload.A, workers, mode)
        .filter(CellResult::ran)
        .filter(c -> c.itemsPerSecond() > 0);
  }

  private static Optional<CellResult> higher(
      Optional<CellResult> best, Optional<CellResult> candidate) {
    if (candidate.isEmpty()) {
      return best;
    }
    return best.isEmpty() || candidate.get().itemsPerSecond() > best.get().itemsPerSecond()
        ? candidate
        : best;
  }

  static double ratio(CellResult server, CellResult pgbench) {
    return server.itemsPerSecond() / pgbench.itemsPerSecond();
  }

  /** The table: a row per workload and worker count, items/s and per-item p99 for each mode. */
  static String markdown(
      List<CellResult> cells,
      List<Workload> workloads,
      List<Integer> concurrency,
      List<Mode> modes,
      String context,
      String headline) {
    StringBuilder md = new StringBuilder();
    md.append("# Accord load generator results\n\n").append(context).append("\n\n");
    md.append(headline).append("\n\n");
    md.append("| workload | workers |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (Mode mode : modes) {
      md.append(' ').append(mode.id).append(" items/s | ").append(mode.id).append(" p99 ms |");
      rule.append("---:|---:|");
    }
    md.append('\n').append(rule).append('\n');
    for (Workload workload : workloads) {
      for (int workers : concurrency) {
        md.append("| ")
            .append(workload.id)
            .append(" ")
            .append(workload.title)
            .append(" | ")
            .append(workers)
            .append(" |");
        for (Mode mode : modes) {
          Optional<CellResult> cell = find(cells, workload, workers, mode);
          if (cell.isPresent() && cell.get().ran()) {
            md.append(
                String.format(
                    Locale.ROOT,
                    " %,.0f | %.2f |",
                    cell.get().itemsPerSecond(),
                    cell.get().itemLatency().p99Ms()));
          } else {
            md.append(" ")
                .append(cell.map(c -> c.status() + ": " + c.reason()).orElse("not run"))
                .append(" | – |");
          }
        }
        md.append('\n');
      }
    }
    md.append(
        "\nitems/s: items completed per second over the measured window. p99: the 99th percentile latency of one"
            + " item (its acquire, plus its done or release when granted), in milliseconds; pgbench's is that of one"
            + " script execution, the same item. Per-call percentiles (p50, p99, p99.9 of acquire, done, release) are in"
            + " results.json.\n\n");
    List<String> withErrors = new ArrayList<>();
    for (CellResult cell : cells) {
      if (cell.errors() > 0) {
        withErrors.add(
            String.format(
                Locale.ROOT,
                "%s C=%d %s: %,d (first: %s)",
                cell.workload(),
                cell.workers(),
                cell.mode(),
                cell.errors(),
                cell.firstError()));
      }
    }
    md.append(
        withErrors.isEmpty()
            ? "Errors: 0 in every cell.\n"
            : "ERRORS: " + String.join("; ", withErrors) + "\n");
    return md.toString();
  }

  /** Workload d's table, or nothing when it did not run. */
  static String loopMarkdown(List<LoopResult> loops, int names, int donePercent) {
    if (loops.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "%n## Workload d: the work loop%n%n"
                + "K worker processes × T threads × W ms of work over %,d shared names: cold (nothing done, new "
                + "clients), sweep (%d %% done). Ideal: K·T ÷ W.%n%n",
            names,
            donePercent));
    md.append(
        "| K×T×W | phase | items | items/s | % of ideal | item p50 ms | item p99 ms | last item s |"
            + " errors |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (LoopResult loop : loops) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,.0f | %.1f %% | %.2f | %.2f | %.2f | %d |%n",
              loop.shape(),
              loop.phase(),
              loop.items(),
              loop.itemsPerSecond(),
              loop.percentOfIdeal(),
              loop.item().p50Ms(),
              loop.item().p99Ms(),
              loop.seconds(),
              loop.errors()));
    }
    md.append(
        "\nitem: from one task's start to the next's on the same thread (its work, its done, the next"
            + " claim). last item: from GO to the last process's loop returning.\n");
    return md.toString();
  }

  /**
   * throughput-W.png and throughput-W.svg per workload W: items/s against workers (log-2 axis), a
   * series per mode.
   *
   * @return the files written
   */
  static List<Path> charts(
      Path dir,
      List<CellResult> cells,
      List<Workload> workloads,
      List<Integer> concurrency,
      List<Mode> modes)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Path> files = new ArrayList<>();
    for (Workload workload : workloads) {
      XYChart chart = chart(cells, workload, concurrency, modes);
      Path png = dir.resolve("throughput-" + workload.id + ".png");
      Path svg = dir.resolve("throughput-" + workload.id + ".svg");
      BitmapEncoder.saveBitmapWithDPI(chart, png.toString(), BitmapFormat.PNG, 144);
      VectorGraphicsEncoder.saveVectorGraphic(chart, svg.toString(), VectorGraphicsFormat.SVG);
      files.add(png);
      files.add(svg);
    }
    return files;
  }

  private static XYChart chart(
      List<CellResult> cells, Workload workload, List<Integer> concurrency, List<Mode> modes) {
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("Workload " + workload.id + " (" + workload.title + "): items/s against workers")
            .xAxisTitle("workers (log 2)")
            .yAxisTitle("items/s")
            .build();
    var styler = chart.getStyler();
    styler.setLegendPosition(LegendPosition.InsideNW);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xdddddd));
    styler.setYAxisMin(0.0);
    styler.setYAxisDecimalPattern("#,##0");
    styler.setMarkerSize(8);
    double minX =
        Math.log(concurrency.stream().mapToInt(Integer::intValue).min().orElse(1)) / Math.log(2);
    double maxX =
        Math.log(concurrency.stream().mapToInt(Integer::intValue).max().orElse(1)) / Math.log(2);
    styler.setXAxisMin(Math.floor(minX));
    styler.setXAxisMax(Math.max(Math.ceil(maxX), Math.floor(minX) + 1));
    // x is log2(workers): label each whole power of two with the count itself.
    chart.setCustomXAxisTickLabelsFormatter(
        x -> Math.abs(x - Math.rint(x)) < 1e-9 ? Long.toString(Math.round(Math.pow(2, x))) : "");
    for (Mode mode : modes) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int workers : concurrency) {
        find(cells, workload, workers, mode)
            .filter(CellResult::ran)
            .ifPresent(
                cell -> {
                  xs.add(Math.log(workers) / Math.log(2));
                  ys.add(cell.itemsPerSecond());
                });
      }
      if (!xs.isEmpty()) {
        XYSeries series = chart.addSeries(mode.id, xs, ys);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineColor(COLORS.get(mode));
        series.setMarkerColor(COLORS.get(mode));
        series.setLineStyle(new BasicStroke(2f));
      }
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no cell ran", List.of(Math.floor(minX)), List.of(0.0));
    }
    return chart;
  }
}
