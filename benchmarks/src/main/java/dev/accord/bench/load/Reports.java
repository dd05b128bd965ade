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
   * "server ÷ pgbench at 64 workers, workload a = 0.42×", or "= n/a (why)" when either cell did not
   * run.
   */
  static String headline(List<CellResult> cells, int workers) {
    String text = "server ÷ pgbench at " + workers + " workers, workload a = ";
    Optional<CellResult> server =
        find(cells, Workload.A, workers, Mode.SERVER).filter(CellResult::ran);
    Optional<CellResult> pgbench =
        find(cells, Workload.A, workers, Mode.PGBENCH).filter(CellResult::ran);
    if (server.isEmpty() || pgbench.isEmpty() || pgbench.get().itemsPerSecond() <= 0) {
      return text + "n/a (not measured in this run)";
    }
    return text + String.format(Locale.ROOT, "%.2f×", ratio(server.get(), pgbench.get()));
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
