package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own {@code promtool} on the monitoring component: every alert and dashboard
 * expression parses, and the alerts fire when they should and only then ({@code
 * monitoring/alerts-test.yaml}). Skipped when promtool is not on the PATH (Debian's {@code
 * prometheus} package has it).
 */
class PromtoolTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void everyAlertAndDashboardExpressionParses(@TempDir Path tmp) throws Exception {
    Path promtool = promtool();
    List<Map<String, Object>> recordings = new ArrayList<>();
    for (String file : List.of("accord-server.json", "accord-operator.json")) {
      JsonNode board =
          new ObjectMapper().readTree(MonitoringManifestsTest.dashboard(file).toFile());
      for (JsonNode panel : board.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          // A dashboard expression as Grafana sends it, its variables filled in.
          String expr =
              target
                  .path("expr")
                  .asText()
                  .replace("$__rate_interval", "5m")
                  .replaceAll("\"\\$\\w+\"", "\".*\"");
          Map<String, Object> rule = new LinkedHashMap<>();
          rule.put("record", "dashboard:expression_" + recordings.size());
          rule.put("expr", expr);
          recordings.add(rule);
        }
      }
    }
    Path dashboards = tmp.resolve("dashboards.yaml");
    YAML.writeValue(
        dashboards.toFile(),
        Map.of("groups", List.of(Map.of("name", "dashboards", "rules", recordings))));

    run(tmp, promtool.toString(), "check", "rules", writeRules(tmp).toString());
    run(tmp, promtool.toString(), "check", "rules", dashboards.toString());
  }

  @Test
  void theAlertsFireOnTheSeriesThatShouldRaiseThemAndOnlyThen(@TempDir Path tmp) throws Exception {
    Path promtool = promtool();
    writeRules(tmp);
    Path tests = tmp.resolve("alerts-test.yaml");
    try (InputStream in = PromtoolTest.class.getResourceAsStream("/monitoring/alerts-test.yaml")) {
      assertThat(in).as("test resource monitoring/alerts-test.yaml").isNotNull();
      Files.copy(in, tests);
    }

    String output = run(tmp, promtool.toString(), "test", "rules", tests.toString());

    assertThat(output).contains("SUCCESS");
  }

  private static Path promtool() {
    Optional<Path> promtool = KustomizeRenderTest.onPath("promtool");
    assumeTrue(promtool.isPresent(), "promtool is not on the PATH: alert rules not checked");
    return promtool.get();
  }

  /** The PrometheusRule's spec as a plain Prometheus rule file, {@code rules.yaml}. */
  private static Path writeRules(Path dir) throws Exception {
    Map<String, Object> rule =
        Manifests.parseYamlMap(
            MonitoringManifestsTest.monitoring().resolve("prometheus-rule.yaml"));
    Path rules = dir.resolve("rules.yaml");
    YAML.writeValue(rules.toFile(), rule.get("spec"));
    return rules;
  }

  private static String run(Path dir, String... command) throws Exception {
    Path out = dir.resolve("promtool-output.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("%s did not finish within 2 minutes", String.join(" ", command));
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("exit status of %s; its output:%n%s", String.join(" ", command), output)
        .isZero();
    return output;
  }
}
