package dev.accord.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A short run of the whole load generator (every workload and mode, 2 workers, no warm-up and 1 s
 * per cell; workload d as 2 processes × 2 threads over 200 names): the spawned server, direct mode,
 * the seed baseline, pgbench, the work loop's processes, and every output. It proves the tool
 * works, not any figure: no timing is asserted.
 */
class LoadGeneratorSmokeTest {
  private static final List<String> WORKLOADS = List.of("a", "b", "c");
  private static final List<Integer> WORKERS = List.of(2);
  private static final List<String> MODES = List.of("server", "direct", "seed", "pgbench");

  @Test
  void aShortRunOfEveryWorkloadAndModeWritesEveryResult() throws Exception {
    if (PgbenchBinary.find(null).isEmpty()) {
      fail(
          "pgbench not found on PATH nor under /usr/lib/postgresql/*/bin: "
              + PgbenchBinary.INSTALL_HINT
              + " (CI's .ci/run installs it when it is missing)");
    }
    Path out = Path.of("target", "bench-smoke");
    Database.deleteTree(Files.createDirectories(out));

    int exit =
        LoadGenerator.commandLine()
            .execute(
                "--workloads",
                String.join(",", WORKLOADS) + ",d",
                "--loop-shapes",
                "2x2x1",
                "--loop-names",
                "200",
                "--concurrency",
                "2",
                "--modes",
                String.join(",", MODES),
                "--warmup",
                "0",
                "--duration",
                "1",
                "--jvm-warmup",
                "0",
                "--sweep-names",
                "2000",
                "--headline-workers",
                "2",
                "--out",
                out.toString());

    assertThat(exit)
        .as("exit code (1: some cell had errors, see target/bench-smoke/results.md)")
        .isZero();
    JsonObject results =
        JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
    assertThat(results.getAsJsonObject("machine").get("cores").getAsInt()).isPositive();
    assertThat(results.getAsJsonObject("postgres").get("server_version").getAsString())
        .matches("\\d+\\.\\d+.*");
    assertThat(results.getAsJsonObject("postgres").get("synchronous_commit").getAsString())
        .isEqualTo("on");
    assertThat(results.getAsJsonObject("postgres").has("fsync")).isTrue();
    Set<String> seen = new HashSet<>();
    for (JsonElement element : results.getAsJsonArray("cells")) {
      JsonObject cell = element.getAsJsonObject();
      String id =
          cell.get("workload").getAsString()
              + "/"
              + cell.get("workers").getAsInt()
              + "/"
              + cell.get("mode").getAsString();
      assertThat(seen.add(id)).as("cell %s appears once", id).isTrue();
      if (cell.get("mode").getAsString().equals("seed")
          && !cell.get("workload").getAsString().equals("a")) {
        assertThat(cell.get("status").getAsString()).as("%s status", id).isEqualTo("not run");
        continue;
      }
      assertThat(cell.get("status").getAsString()).as("%s status", id).isEqualTo("ok");
      assertThat(cell.get("errors").getAsLong())
          .as("%s errors (first: %s)", id, cell.get("firstError"))
          .isZero();
      assertThat(cell.get("items").getAsLong()).as("%s items", id).isPositive();
      assertThat(cell.get("itemsPerSecond").getAsDouble()).as("%s items/s", id).isPositive();
      JsonObject latency = cell.getAsJsonObject("latency");
      assertThat(latency.getAsJsonObject("item").get("count").getAsLong())
          .as("%s item latencies", id)
          .isPositive();
      assertThat(latency.getAsJsonObject("item").get("p99Ms").getAsDouble())
          .as("%s item p99", id)
          .isPositive();
      if (cell.get("mode").getAsString().equals("server")
          || cell.get("mode").getAsString().equals("direct")) {
        assertThat(latency.getAsJsonObject("acquire").get("count").getAsLong())
            .as("%s acquires", id)
            .isPositive();
        assertThat(latency.has(cell.get("workload").getAsString().equals("b") ? "release" : "done"))
            .isTrue();
      }
    }
    Set<String> expected = new HashSet<>();
    for (String workload : WORKLOADS) {
      for (int workers : WORKERS) {
        for (String mode : MODES) {
          expected.add(workload + "/" + workers + "/" + mode);
        }
      }
    }
    assertThat(seen).isEqualTo(expected);

    List<String> phases = new java.util.ArrayList<>();
    for (JsonElement element : results.getAsJsonArray("loops")) {
      JsonObject loop = element.getAsJsonObject();
      String phase = loop.get("phase").getAsString();
      phases.add(phase);
      assertThat(loop.get("shape").getAsString()).isEqualTo("2x2x1");
      assertThat(loop.get("errors").getAsLong())
          .as("d %s errors (first: %s)", phase, loop.get("firstError"))
          .isZero();
      // cold: every name; sweep: the 5 % not done of 200.
      assertThat(loop.get("items").getAsLong())
          .as("d %s items", phase)
          .isEqualTo(phase.equals("cold") ? 200 : 10);
      assertThat(loop.getAsJsonObject("item").get("count").getAsLong()).isPositive();
      assertThat(loop.get("percentOfIdeal").getAsDouble()).isPositive();
    }
    assertThat(phases).containsExactly("cold", "sweep");

    String markdown = Files.readString(out.resolve("results.md"));
    assertThat(markdown)
        .contains(
            "| workload | workers | server items/s | server p99 ms | direct items/s | "
                + "direct p99 ms | seed items/s | seed p99 ms | pgbench items/s | pgbench p99 ms |");
    assertThat(markdown.lines().filter(line -> line.matches("\\| [abc] .* \\| 2 \\|.*")))
        .hasSize(3);
    assertThat(markdown)
        .containsPattern(
            "(?m)^server ÷ seed, workload a: 2 workers \\d+\\.\\d\\d×; peak against peak .* = \\d+\\.\\d\\d×$")
        .containsPattern(
            "(?m)^server ÷ pgbench \\(our SQL\\) at 2 workers, workload a = \\d+\\.\\d\\d×$")
        .containsPattern("(?m)^\\| 2x2x1 \\| cold \\| 200 \\|")
        .containsPattern("(?m)^\\| 2x2x1 \\| sweep \\| 10 \\|");

    for (String workload : WORKLOADS) {
      BufferedImage png = ImageIO.read(out.resolve("throughput-" + workload + ".png").toFile());
      assertThat(png).as("throughput-%s.png decodes", workload).isNotNull();
      assertThat(png.getWidth()).isPositive();
      String svg = Files.readString(out.resolve("throughput-" + workload + ".svg"));
      assertThat(svg).startsWith("<?xml").contains("<svg");
    }
    assertThat(out.resolve("server.log"))
        .content()
        .contains("Accord server listening on 127.0.0.1:");
  }
}
