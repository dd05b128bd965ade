package dev.accord.operator;

import static dev.accord.operator.Manifests.directory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manifests/monitoring}: the component renders, its dashboards are Grafana dashboards on the
 * Prometheus data source variable, each alert says why it exists, and every metric a dashboard or
 * alert reads is one the server or the operator exports.
 */
@EnableKubernetesMockClient(crud = true)
class MonitoringManifestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SERVER_DASHBOARDS = List.of("accord-server.json");
  private static final List<String> OPERATOR_DASHBOARDS = List.of("accord-operator.json");
  private static final String RULES = "prometheus-rule.yaml";

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  static Path monitoring() {
    return directory().resolve(Manifests.MONITORING);
  }

  static Path dashboard(String file) {
    return monitoring().resolve("dashboards").resolve(file);
  }

  @Test
  void kubectlKustomizeRendersTheComponentWithTheDashboardsAsSidecarConfigMaps(@TempDir Path tmp)
      throws Exception {
    Optional<Path> kubectl = KustomizeRenderTest.onPath("kubectl");
    assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH: kustomize rendering not checked");
    assertThat(Manifests.parseYamlMap(monitoring().resolve("kustomization.yaml")).get("kind"))
        .isEqualTo("Component");

    Path out = KustomizeRenderTest.kustomize(kubectl.get(), monitoring(), tmp);

    List<HasMetadata> rendered;
    try (InputStream in = Files.newInputStream(out)) {
      rendered = client.load(in).items();
    }
    assertThat(rendered)
        .extracting(Manifests::kindAndName)
        .containsExactlyInAnyOrder(
            "ConfigMap accord-system/accord-dashboard-server",
            "ConfigMap accord-system/accord-dashboard-operator",
            "PodMonitor accord-system/accord-server",
            "PodMonitor accord-system/accord-operator",
            "PrometheusRule accord-system/accord");
    for (String file : List.of("accord-server.json", "accord-operator.json")) {
      ConfigMap map =
          Manifests.single(
              rendered,
              ConfigMap.class,
              "accord-dashboard-" + file.replace("accord-", "").replace(".json", ""),
              "kubectl kustomize");
      assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
      assertThat(map.getData())
          .as("the ConfigMap holds the dashboard file as it is")
          .isEqualTo(Map.of(file, Files.readString(dashboard(file), StandardCharsets.UTF_8)));
    }
  }

  @Test
  void dashboardsAreGrafanaDashboardsWhosePanelsQueryThePrometheusVariable() throws Exception {
    for (String file : concat(SERVER_DASHBOARDS, OPERATOR_DASHBOARDS)) {
      JsonNode board = JSON.readTree(dashboard(file).toFile());
      String what = "dashboards/" + file;
      assertThat(board.path("schemaVersion").isInt()).as("%s: schemaVersion", what).isTrue();
      assertThat(board.path("uid").asText()).as("%s: uid", what).isNotBlank();
      assertThat(board.path("title").asText()).as("%s: title", what).isNotBlank();
      assertThat(board.path("templating").path("list").findValuesAsText("name"))
          .as("%s: template variables", what)
          .contains("DS_PROMETHEUS");
      JsonNode source = variable(board, "DS_PROMETHEUS");
      assertThat(source.path("type").asText()).isEqualTo("datasource");
      assertThat(source.path("query").asText()).isEqualTo("prometheus");

      Set<Integer> ids = new HashSet<>();
      List<JsonNode> panels = new ArrayList<>();
      board.path("panels").forEach(panels::add);
      assertThat(panels).as("%s: panels", what).isNotEmpty();
      for (JsonNode panel : panels) {
        String where = what + " panel \"" + panel.path("title").asText() + "\"";
        assertThat(ids.add(panel.path("id").asInt())).as("%s: a unique id", where).isTrue();
        assertThat(panel.path("gridPos").path("w").asInt()).as("%s: gridPos.w", where).isPositive();
        assertThat(panel.path("gridPos").path("h").asInt()).as("%s: gridPos.h", where).isPositive();
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        assertThat(panel.path("datasource").path("uid").asText())
            .as("%s: datasource", where)
            .isEqualTo("${DS_PROMETHEUS}");
        assertThat(panel.path("targets").size()).as("%s: targets", where).isPositive();
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("expr").asText()).as("%s: target expr", where).isNotBlank();
          assertThat(refIds.add(target.path("refId").asText()))
              .as("%s: unique refId", where)
              .isTrue();
        }
      }
    }
  }

  @Test
  void everyAlertSaysWhyItExistsAndHowLongItWaits() throws Exception {
    List<String> lines = Files.readAllLines(monitoring().resolve(RULES));
    int alerts = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith("- alert:")) {
        alerts++;
        assertThat(lines.get(i - 1).strip())
            .as("%s: the line above %s is its reasoning, a comment", RULES, lines.get(i).strip())
            .startsWith("#");
      }
    }
    List<Map<String, Object>> rules = rules();
    assertThat(rules).hasSize(alerts);
    assertThat(rules)
        .extracting(rule -> rule.get("alert"))
        .containsExactlyInAnyOrder(
            "AccordNoProgress",
            "AccordLeaseLossRateHigh",
            "AccordDatabaseUnavailable",
            "AccordOperatorReconcileErrors",
            "AccordCertificateExpiringSoon");
    for (Map<String, Object> rule : rules) {
      assertThat(rule).as("alert %s", rule.get("alert")).containsKeys("expr", "for", "labels");
      assertThat(((Map<?, ?>) rule.get("labels")).containsKey("severity"))
          .as("alert %s: labels.severity", rule.get("alert"))
          .isTrue();
    }
  }

  @Test
  void everyMetricTheDashboardsAndAlertsReadIsOneTheCodeExports() throws Exception {
    Set<String> operatorScrape = ExportedMetrics.operator(client);
    Set<String> server = ExportedMetrics.server();

    Map<String, Set<String>> serverUses = new java.util.TreeMap<>();
    Map<String, Set<String>> operatorUses = new java.util.TreeMap<>();
    for (String file : SERVER_DASHBOARDS) {
      serverUses.put("dashboards/" + file, dashboardMetrics(file));
    }
    for (String file : OPERATOR_DASHBOARDS) {
      operatorUses.put("dashboards/" + file, dashboardMetrics(file));
    }
    for (Map<String, Object> rule : rules()) {
      Set<String> names = PromQlNames.in(String.valueOf(rule.get("expr")));
      String group = String.valueOf(rule.get("group"));
      (group.equals("accord-operator") ? operatorUses : serverUses)
          .put(RULES + " " + rule.get("alert"), names);
    }

    serverUses.forEach(
        (where, names) -> {
          assertThat(names).as("%s: metrics it reads", where).isNotEmpty();
          assertThat(missing(names, server))
              .as("metrics %s reads that the server does not export", where)
              .isEmpty();
        });
    operatorUses.forEach(
        (where, names) -> {
          assertThat(names).as("%s: metrics it reads", where).isNotEmpty();
          assertThat(missing(names, operatorScrape))
              .as("metrics %s reads that the operator's /metrics does not show", where)
              .isEmpty();
        });
  }

  /** Every metric a dashboard's panels and variables read. */
  private static Set<String> dashboardMetrics(String file) throws Exception {
    JsonNode board = JSON.readTree(dashboard(file).toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : board.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(PromQlNames.in(target.path("expr").asText()));
      }
    }
    for (JsonNode variable : board.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        names.addAll(PromQlNames.inVariableQuery(variable.path("query").path("query").asText()));
      }
    }
    return names;
  }

  /** The alerting rules, each with the name of its group under "group". */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules() throws Exception {
    Map<String, Object> rule = Manifests.parseYamlMap(monitoring().resolve(RULES));
    List<Map<String, Object>> all = new ArrayList<>();
    Map<String, Object> spec = (Map<String, Object>) rule.get("spec");
    for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
      for (Map<String, Object> each : (List<Map<String, Object>>) group.get("rules")) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(each);
        copy.put("group", group.get("name"));
        all.add(copy);
      }
    }
    return all;
  }

  private static Set<String> missing(Set<String> used, Set<String> exported) {
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(exported);
    return missing;
  }

  private static JsonNode variable(JsonNode board, String name) {
    for (JsonNode variable : board.path("templating").path("list")) {
      if (variable.path("name").asText().equals(name)) {
        return variable;
      }
    }
    throw new AssertionError("no template variable " + name);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
