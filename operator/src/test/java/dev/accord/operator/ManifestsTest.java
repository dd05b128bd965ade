package dev.accord.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.accord.operator.webhook.CaBundleSync;
import dev.accord.operator.webhook.WebhookCertificates;
import dev.accord.operator.webhook.WebhookServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests under {@code manifests/}: every file parses into typed resources, the whole set applies to
 * a (mock) API server, {@code kubectl kustomize} renders the base, the operator's RBAC is exactly what it should be
 * (so that drift is caught here, not in a cluster), and the operator's Deployment is hardened.
 *
 * <p>Surefire passes the manifests directory as the system property {@code accord.manifests}.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestsTest {

  static final String NAMESPACE = "accord-system";
  static final String OPERATOR = "accord-operator";
  static final String CRD_FILE = "crds/accordclusters.accord.dev-v1.yml";
  static final String CRD_NAME = "accordclusters.accord.dev";
  static final String WEBHOOK_CONFIGURATION = "accord-operator";
  static final String WEBHOOK_SERVICE = "accord-operator-webhook";
  static final int WEBHOOK_PORT = 9443;

  static final List<String> RW = List.of("get", "list", "watch", "create", "update", "patch", "delete");

  /**
   * The operator's ClusterRole, exactly: "apiGroup/resource" → verbs ("" is the core group); a rule limited to some
   * objects by resourceNames is "apiGroup/resource[name,...]".
   */
  static final Map<String, Set<String>> EXPECTED_CLUSTER_RULES = expectedClusterRules();

  static Map<String, Set<String>> expectedClusterRules() {
    Map<String, Set<String>> rules = new TreeMap<>();
    rules.put("accord.dev/accordclusters", new TreeSet<>(List.of("get", "list", "watch", "patch", "update")));
    rules.put("accord.dev/accordclusters/status", new TreeSet<>(List.of("get", "patch", "update")));
    rules.put("accord.dev/accordclusters/finalizers", new TreeSet<>(List.of("update")));
    for (String r : List.of("apps/deployments", "apps/statefulsets", "/services", "/secrets",
        "policy/poddisruptionbudgets")) {
      rules.put(r, new TreeSet<>(RW));
    }
    // The pod webhook: read and set the caBundle of its own configuration, and no other.
    rules.put("admissionregistration.k8s.io/mutatingwebhookconfigurations["
        + CaBundleSync.CONFIGURATION + "]", new TreeSet<>(List.of("get", "patch")));
    return rules;
  }

  /** The leader-election Role in accord-system, exactly. */
  static final Map<String, Set<String>> EXPECTED_LEADER_ELECTION_RULES =
      Map.of("coordination.k8s.io/leases",
          new TreeSet<>(List.of("get", "list", "watch", "create", "update", "patch")));

  static final Map<String, String> OPERATOR_LABELS = Map.of(
      "app.kubernetes.io/name", OPERATOR,
      "app.kubernetes.io/part-of", "accord",
      "app.kubernetes.io/component", "operator",
      "app.kubernetes.io/managed-by", "kustomize");

  static Path manifests;

  /** Injected by the mock server extension (a fresh CRUD server for each test). */
  KubernetesClient client;

  @BeforeAll
  static void locateManifests() {
    String property = System.getProperty("accord.manifests");
    assertThat(property)
        .as("system property accord.manifests (set by the operator module's surefire configuration)")
        .isNotBlank();
    manifests = Paths.get(property).toAbsolutePath().normalize();
    assertThat(manifests).as("the manifests directory").isDirectory();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (a) every file parses

  @Test
  void everyManifestParsesIntoTypedResourcesWithApiVersionKindAndName() throws IOException {
    Map<Path, List<HasMetadata>> all = loadAll();
    assertThat(all).as("YAML manifests under %s (kustomization files aside)", manifests).isNotEmpty();

    all.forEach((file, items) -> {
      assertThat(items).as("%s: Kubernetes resources in it", rel(file)).isNotEmpty();
      for (HasMetadata item : items) {
        String what = rel(file) + ": " + item.getKind() + " " + name(item);
        assertThat(item.getApiVersion()).as("%s: apiVersion", what).isNotBlank();
        assertThat(item.getKind()).as("%s: kind", what).isNotBlank();
        assertThat(item.getMetadata()).as("%s: metadata", what).isNotNull();
        assertThat(item.getMetadata().getName()).as("%s: metadata.name", what).isNotBlank();
        if (!isAccordResource(item)) {
          assertThat(item)
              .as("%s (%s) should parse as a typed Fabric8 class: a generic resource means a wrong apiVersion "
                  + "or kind", what, item.getApiVersion())
              .isNotInstanceOf(GenericKubernetesResource.class);
        }
      }
    });
  }

  @Test
  void kustomizationsParseAndListEveryManifestBesideThem() throws IOException {
    List<Path> kustomizations = yamlFiles().stream().filter(ManifestsTest::isKustomization).toList();
    assertThat(kustomizations).as("kustomization.yaml files under %s", manifests)
        .contains(manifests.resolve("kustomization.yaml"), manifests.resolve("operator/kustomization.yaml"));

    for (Path kustomization : kustomizations) {
      Map<String, Object> map = parseYamlMap(kustomization);
      assertThat(map.get("kind")).as("%s: kind", rel(kustomization)).isEqualTo("Kustomization");
      Object listed = map.get("resources");
      assertThat(listed).as("%s: resources should be a list", rel(kustomization)).isInstanceOf(List.class);
      Path dir = kustomization.getParent();
      Set<Path> resources = new TreeSet<>();
      for (Object entry : (List<?>) listed) {
        Path resource = dir.resolve(String.valueOf(entry)).normalize();
        resources.add(resource);
        if (resource.endsWith(Paths.get(CRD_FILE))) {
          assertThat(resource)
              .as("%s lists %s, which is generated from the crds module (mvn -B package): it is missing",
                  rel(kustomization), entry)
              .isRegularFile();
        } else if (Files.isDirectory(resource)) {
          assertThat(resource.resolve("kustomization.yaml"))
              .as("%s lists the directory %s, which needs its own kustomization.yaml", rel(kustomization), entry)
              .isRegularFile();
        } else {
          assertThat(resource).as("%s lists %s", rel(kustomization), entry).isRegularFile();
        }
      }
      try (Stream<Path> siblings = Files.list(dir)) {
        List<Path> unlisted = siblings.filter(ManifestsTest::isYaml)
            .filter(p -> !isKustomization(p))
            .filter(p -> !resources.contains(p.normalize()))
            .sorted().toList();
        assertThat(unlisted)
            .as("YAML files beside %s that it does not list (kustomize would silently leave them out)",
                rel(kustomization))
            .isEmpty();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (b) the whole set applies

  @Test
  void everythingAppliesToTheApiServerCrdFirstThenNamespacesThenTheRest() throws IOException {
    List<HasMetadata> all = loadAll().values().stream().flatMap(List::stream).toList();
    Predicate<HasMetadata> isCrd = i -> i instanceof CustomResourceDefinition;
    Predicate<HasMetadata> isNamespace = i -> i instanceof Namespace;
    List<HasMetadata> ordered = new ArrayList<>();
    all.stream().filter(isCrd).forEach(ordered::add);
    all.stream().filter(isNamespace).forEach(ordered::add);
    all.stream().filter(isCrd.negate().and(isNamespace.negate())).forEach(ordered::add);
    assertThat(ordered.stream().map(ManifestsTest::kindAndName).toList())
        .as("resources in the manifests").contains("CustomResourceDefinition " + CRD_NAME, "Namespace " + NAMESPACE);

    for (HasMetadata item : ordered) {
      try {
        HasMetadata created = client.resource(item).create();
        assertThat(created).as("created %s %s", item.getKind(), name(item)).isNotNull();
      } catch (RuntimeException e) {
        throw new AssertionError("the API server refused " + item.getKind() + " " + name(item) + ": " + e, e);
      }
    }
    for (HasMetadata item : ordered) {
      HasMetadata read = client.resource(item).get();
      assertThat(read).as("%s %s read back after create", item.getKind(), name(item)).isNotNull();
      assertThat(read.getKind()).as("kind of %s read back", name(item)).isEqualTo(item.getKind());
      assertThat(read.getMetadata().getName()).as("name of %s %s read back", item.getKind(), name(item))
          .isEqualTo(item.getMetadata().getName());
    }

    Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(OPERATOR).get();
    assertThat(deployment).as("Deployment %s/%s on the server", NAMESPACE, OPERATOR).isNotNull();
    assertThat(client.rbac().clusterRoles().withName(OPERATOR).get())
        .as("ClusterRole %s on the server", OPERATOR).isNotNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get())
        .as("CRD %s on the server", CRD_NAME).isNotNull();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (c) kustomize renders the base; (d) and (e) hold for what it renders

  @Test
  void kubectlKustomizeRendersTheBase(@TempDir Path tmp) throws Exception {
    Optional<Path> kubectl = onPath("kubectl");
    assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH: kustomize rendering not checked");

    Path out = tmp.resolve("rendered.yaml");
    Path err = tmp.resolve("stderr.txt");
    Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", manifests.toString())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("kubectl kustomize %s did not finish within 2 minutes", manifests);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit status of kubectl kustomize %s; its stderr:%n%s", manifests, stderr)
        .isZero();

    List<HasMetadata> rendered;
    try (InputStream in = Files.newInputStream(out)) {
      rendered = client.load(in).items();
    }
    List<String> renderedNames = rendered.stream().map(ManifestsTest::kindAndName).toList();
    assertThat(renderedNames).as("resources rendered by kubectl kustomize")
        .contains("CustomResourceDefinition " + CRD_NAME, "Namespace " + NAMESPACE,
            "Deployment " + NAMESPACE + "/" + OPERATOR, "ClusterRole " + OPERATOR);
    assertThat(rendered).as("resources rendered by kubectl kustomize: the samples are not part of the base (%s)",
        renderedNames).noneMatch(ManifestsTest::isAccordResource);
    assertThat(rendered).as("resources rendered by kubectl kustomize: all typed (%s)", renderedNames)
        .noneMatch(i -> i instanceof GenericKubernetesResource);

    assertOperatorRbac(rendered, "kubectl kustomize");
    assertThat(renderedNames).as("resources rendered by kubectl kustomize")
        .contains("MutatingWebhookConfiguration " + WEBHOOK_CONFIGURATION,
            "Service " + NAMESPACE + "/" + WEBHOOK_SERVICE);
    assertSafeWebhook(rendered, "kubectl kustomize");
    assertHardenedOperatorDeployment(single(rendered, Deployment.class, OPERATOR, "kubectl kustomize"),
        "kubectl kustomize");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (d) RBAC, as declared

  @Test
  void declaredRbacIsExactlyWhatTheOperatorNeeds() throws IOException {
    assertOperatorRbac(loadAll().values().stream().flatMap(List::stream).toList(), "the manifests");
  }

  static void assertOperatorRbac(List<HasMetadata> items, String source) {
    ClusterRole clusterRole = single(items, ClusterRole.class, OPERATOR, source);
    assertThat(clusterRole.getAggregationRule()).as("%s: ClusterRole %s aggregationRule", source, OPERATOR)
        .isNull();
    assertThat(rulesOf(clusterRole.getRules(), "ClusterRole " + OPERATOR))
        .as("%s: rules of ClusterRole %s (\"group/resource\" → verbs; change the test and the operator's "
            + "needs together)", source, OPERATOR)
        .containsExactlyInAnyOrderEntriesOf(EXPECTED_CLUSTER_RULES);

    ClusterRoleBinding clusterBinding = single(items, ClusterRoleBinding.class, OPERATOR, source);
    assertRoleRef(clusterBinding.getRoleRef(), "ClusterRole", OPERATOR, source + ": ClusterRoleBinding");
    assertOnlySubjectIsTheOperator(clusterBinding.getSubjects(), source + ": ClusterRoleBinding " + OPERATOR);

    List<Role> roles = ofKind(items, Role.class);
    assertThat(roles).as("%s: Roles", source).hasSize(1);
    Role role = roles.get(0);
    assertThat(role.getMetadata().getNamespace()).as("%s: namespace of Role %s", source, name(role))
        .isEqualTo(NAMESPACE);
    assertThat(rulesOf(role.getRules(), "Role " + name(role)))
        .as("%s: rules of the leader-election Role %s", source, name(role))
        .containsExactlyInAnyOrderEntriesOf(EXPECTED_LEADER_ELECTION_RULES);

    List<RoleBinding> bindings = ofKind(items, RoleBinding.class);
    assertThat(bindings).as("%s: RoleBindings", source).hasSize(1);
    RoleBinding binding = bindings.get(0);
    assertThat(binding.getMetadata().getNamespace()).as("%s: namespace of RoleBinding %s", source, name(binding))
        .isEqualTo(NAMESPACE);
    assertRoleRef(binding.getRoleRef(), "Role", role.getMetadata().getName(), source + ": RoleBinding");
    assertOnlySubjectIsTheOperator(binding.getSubjects(), source + ": RoleBinding " + name(binding));

    ServiceAccount account = single(items, ServiceAccount.class, OPERATOR, source);
    assertThat(account.getMetadata().getNamespace()).as("%s: namespace of ServiceAccount %s", source, OPERATOR)
        .isEqualTo(NAMESPACE);
    assertThat(ofKind(items, ClusterRole.class)).as("%s: ClusterRoles (only the operator's)", source).hasSize(1);
    assertThat(ofKind(items, ClusterRoleBinding.class)).as("%s: ClusterRoleBindings (only the operator's)", source)
        .hasSize(1);
  }

  /**
   * Rules flattened to "group/resource" → verbs, or "group/resource[name,...]" for a rule with resourceNames; no
   * wildcards or non-resource URLs allowed. A rule with resourceNames may not grant verbs that resourceNames cannot
   * restrict (create, deletecollection) or that only work by name with a field selector (list, watch): such a rule
   * would grant more than it seems to.
   */
  static Map<String, Set<String>> rulesOf(List<PolicyRule> rules, String what) {
    Map<String, Set<String>> flat = new TreeMap<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).as("%s: nonResourceURLs in rule %s", what, rule).isNullOrEmpty();
      assertThat(rule.getApiGroups()).as("%s: apiGroups of rule %s", what, rule).isNotEmpty().doesNotContain("*");
      assertThat(rule.getResources()).as("%s: resources of rule %s", what, rule).isNotEmpty().doesNotContain("*");
      assertThat(rule.getVerbs()).as("%s: verbs of rule %s", what, rule).isNotEmpty().doesNotContain("*");
      String names = "";
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        assertThat(rule.getResourceNames()).as("%s: resourceNames of rule %s", what, rule)
            .doesNotContain("*", "");
        assertThat(rule.getVerbs())
            .as("%s: verbs of rule %s, which has resourceNames (they cannot limit these verbs)", what, rule)
            .doesNotContain("create", "deletecollection", "list", "watch");
        names = "[" + String.join(",", new TreeSet<>(rule.getResourceNames())) + "]";
      }
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          flat.computeIfAbsent(group + "/" + resource + names, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    return flat;
  }

  static void assertRoleRef(RoleRef ref, String kind, String name, String what) {
    assertThat(ref).as("%s roleRef", what).isNotNull();
    assertThat(ref.getApiGroup()).as("%s roleRef.apiGroup", what).isEqualTo("rbac.authorization.k8s.io");
    assertThat(ref.getKind()).as("%s roleRef.kind", what).isEqualTo(kind);
    assertThat(ref.getName()).as("%s roleRef.name", what).isEqualTo(name);
  }

  static void assertOnlySubjectIsTheOperator(List<Subject> subjects, String what) {
    assertThat(subjects).as("%s subjects", what).hasSize(1);
    Subject subject = subjects.get(0);
    assertThat(subject.getKind()).as("%s subject kind", what).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).as("%s subject name", what).isEqualTo(OPERATOR);
    assertThat(subject.getNamespace()).as("%s subject namespace", what).isEqualTo(NAMESPACE);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (e) the operator's Deployment, as declared

  @Test
  void declaredOperatorDeploymentIsHardened() throws IOException {
    List<HasMetadata> all = loadAll().values().stream().flatMap(List::stream).toList();
    assertHardenedOperatorDeployment(single(all, Deployment.class, OPERATOR, "the manifests"), "the manifests");
  }

  static void assertHardenedOperatorDeployment(Deployment deployment, String source) {
    String what = source + ": Deployment " + OPERATOR;
    assertThat(deployment.getMetadata().getNamespace()).as("%s namespace", what).isEqualTo(NAMESPACE);
    assertThat(deployment.getMetadata().getLabels()).as("%s labels", what).containsAllEntriesOf(OPERATOR_LABELS);
    assertThat(deployment.getSpec().getReplicas()).as("%s replicas (one leader, one standby)", what).isEqualTo(2);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).as("%s pod template labels", what).containsAllEntriesOf(OPERATOR_LABELS);
    assertThat(podLabels).as("%s pod template labels must match the selector", what)
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).as("%s serviceAccountName", what).isEqualTo(OPERATOR);
    assertThat(pod.getHostNetwork()).as("%s hostNetwork", what).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).as("%s hostPID", what).isNotEqualTo(Boolean.TRUE);
    PodSecurityContext podSecurity = pod.getSecurityContext();
    assertThat(podSecurity).as("%s pod securityContext", what).isNotNull();
    assertThat(podSecurity.getRunAsNonRoot()).as("%s pod securityContext.runAsNonRoot", what).isTrue();
    assertThat(podSecurity.getRunAsUser()).as("%s pod securityContext.runAsUser", what).isEqualTo(10001L);
    assertThat(podSecurity.getSeccompProfile()).as("%s pod securityContext.seccompProfile", what).isNotNull();
    assertThat(podSecurity.getSeccompProfile().getType()).as("%s pod seccompProfile.type", what)
        .isEqualTo("RuntimeDefault");

    assertThat(pod.getInitContainers()).as("%s initContainers", what).isNullOrEmpty();
    assertThat(pod.getContainers()).as("%s containers", what).hasSize(1);
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).as("%s image", what).isEqualTo("accord/accord-operator:0.1.0");
    assertNoRegistryHost(container.getImage(), what + " image");

    SecurityContext security = container.getSecurityContext();
    assertThat(security).as("%s container securityContext", what).isNotNull();
    assertThat(security.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", what).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", what).isTrue();
    assertThat(security.getPrivileged()).as("%s privileged", what).isNotEqualTo(Boolean.TRUE);
    assertThat(security.getRunAsUser()).as("%s container runAsUser (overriding the pod's)", what)
        .isIn(null, 10001L);
    assertThat(security.getCapabilities()).as("%s capabilities", what).isNotNull();
    assertThat(security.getCapabilities().getDrop()).as("%s capabilities.drop", what).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).as("%s capabilities.add", what).isNullOrEmpty();

    Map<String, EnvVar> env = container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e, (a, b) -> {
          throw new AssertionError(what + ": environment variable " + a.getName() + " set twice");
        }, LinkedHashMap::new));
    assertThat(env).as("%s environment", what)
        .containsKeys("POD_NAMESPACE", "ACCORD_OPERATOR_NAMESPACES", "ACCORD_SERVER_IMAGE");
    EnvVar podNamespace = env.get("POD_NAMESPACE");
    assertThat(podNamespace.getValueFrom()).as("%s POD_NAMESPACE from the downward API", what).isNotNull();
    assertThat(podNamespace.getValueFrom().getFieldRef()).as("%s POD_NAMESPACE fieldRef", what).isNotNull();
    assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).as("%s POD_NAMESPACE fieldPath", what)
        .isEqualTo("metadata.namespace");
    assertThat(Objects.toString(env.get("ACCORD_OPERATOR_NAMESPACES").getValue(), ""))
        .as("%s ACCORD_OPERATOR_NAMESPACES (empty = every namespace)", what).isEmpty();
    assertThat(env.get("ACCORD_SERVER_IMAGE").getValue()).as("%s ACCORD_SERVER_IMAGE", what)
        .isEqualTo("accord/accord-server:0.1.0");
    assertNoRegistryHost(env.get("ACCORD_SERVER_IMAGE").getValue(), what + " ACCORD_SERVER_IMAGE");

    assertThat(container.getPorts()).as("%s ports", what)
        .anyMatch(p -> "http".equals(p.getName()) && Integer.valueOf(8080).equals(p.getContainerPort()));
    assertHttpProbe(container.getLivenessProbe(), "/healthz", what + " livenessProbe");
    assertHttpProbe(container.getReadinessProbe(), "/readyz", what + " readinessProbe");

    assertThat(container.getResources()).as("%s resources", what).isNotNull();
    assertThat(container.getResources().getRequests()).as("%s resources.requests", what)
        .containsEntry("cpu", new Quantity("100m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(container.getResources().getLimits()).as("%s resources.limits", what)
        .containsEntry("memory", new Quantity("512Mi"));

    List<VolumeMount> tmpMounts = container.getVolumeMounts() == null ? List.of()
        : container.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath())).toList();
    assertThat(tmpMounts).as("%s volume mounted at /tmp (the root filesystem is read-only)", what).hasSize(1);
    String tmpVolume = tmpMounts.get(0).getName();
    Optional<Volume> volume = pod.getVolumes() == null ? Optional.empty()
        : pod.getVolumes().stream().filter(v -> tmpVolume.equals(v.getName())).findFirst();
    assertThat(volume).as("%s volume %s", what, tmpVolume).isPresent();
    assertThat(volume.get().getEmptyDir()).as("%s volume %s should be an emptyDir", what, tmpVolume).isNotNull();
    assertThat(pod.getVolumes()).as("%s volumes: no hostPath", what).allMatch(v -> v.getHostPath() == null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // (f) the pod webhook, as declared: it must never be able to block pods

  @Test
  void declaredWebhookCannotBlockPodsAndReachesTheOperator() throws IOException {
    assertSafeWebhook(loadAll().values().stream().flatMap(List::stream).toList(), "the manifests");
  }

  static void assertSafeWebhook(List<HasMetadata> items, String source) {
    assertThat(CaBundleSync.CONFIGURATION).as("the configuration the operator keeps the caBundle of")
        .isEqualTo(WEBHOOK_CONFIGURATION);
    assertThat(WebhookCertificates.SERVICE).as("the Service the operator's certificate names")
        .isEqualTo(WEBHOOK_SERVICE);
    assertThat(ofKind(items, MutatingWebhookConfiguration.class))
        .as("%s: MutatingWebhookConfigurations (only the operator's)", source).hasSize(1);
    MutatingWebhookConfiguration configuration =
        single(items, MutatingWebhookConfiguration.class, WEBHOOK_CONFIGURATION, source);
    String what = source + ": MutatingWebhookConfiguration " + WEBHOOK_CONFIGURATION;
    assertThat(configuration.getWebhooks()).as("%s webhooks", what).hasSize(1);
    MutatingWebhook webhook = configuration.getWebhooks().get(0);
    what = what + " webhook " + webhook.getName();
    assertThat(webhook.getName()).as("%s name", what).isEqualTo("pods.accord.dev");

    // Never block: a webhook that is down, slow or refusing must not stop pods from being created.
    assertThat(webhook.getFailurePolicy()).as("%s failurePolicy (a webhook that is down must not block pods)",
        what).isEqualTo("Ignore");
    assertThat(webhook.getSideEffects()).as("%s sideEffects", what).isEqualTo("None");
    assertThat(webhook.getTimeoutSeconds()).as("%s timeoutSeconds", what).isNotNull().isBetween(1, 10);
    assertThat(webhook.getReinvocationPolicy()).as("%s reinvocationPolicy", what).isEqualTo("Never");
    assertThat(webhook.getAdmissionReviewVersions()).as("%s admissionReviewVersions", what)
        .containsExactly("v1");
    // Only opted-in namespaces: never kube-system, never the operator's own namespace unless someone labels it.
    assertThat(webhook.getNamespaceSelector()).as("%s namespaceSelector (only opted-in namespaces)", what)
        .isNotNull();
    assertThat(webhook.getNamespaceSelector().getMatchLabels()).as("%s namespaceSelector.matchLabels", what)
        .containsExactlyEntriesOf(Map.of("accord.dev/injection", "enabled"));
    assertThat(webhook.getRules()).as("%s rules", what).hasSize(1);
    RuleWithOperations rule = webhook.getRules().get(0);
    assertThat(rule.getOperations()).as("%s rule operations", what).containsExactly("CREATE");
    assertThat(rule.getApiGroups()).as("%s rule apiGroups", what).containsExactly("");
    assertThat(rule.getApiVersions()).as("%s rule apiVersions", what).containsExactly("v1");
    assertThat(rule.getResources()).as("%s rule resources (pods, no subresources)", what).containsExactly("pods");
    assertThat(rule.getScope()).as("%s rule scope", what).isEqualTo("Namespaced");

    // Reaches the operator: the Service, its port, the path the server answers on; the caBundle is the operator's.
    assertThat(webhook.getClientConfig()).as("%s clientConfig", what).isNotNull();
    assertThat(webhook.getClientConfig().getUrl()).as("%s clientConfig.url (the Service is used)", what).isNull();
    assertThat(webhook.getClientConfig().getCaBundle())
        .as("%s clientConfig.caBundle (the operator writes it; one here would be overwritten)", what).isNull();
    ServiceReference reference = webhook.getClientConfig().getService();
    assertThat(reference).as("%s clientConfig.service", what).isNotNull();
    assertThat(reference.getNamespace()).as("%s clientConfig.service.namespace", what).isEqualTo(NAMESPACE);
    assertThat(reference.getName()).as("%s clientConfig.service.name", what).isEqualTo(WEBHOOK_SERVICE);
    assertThat(reference.getPath()).as("%s clientConfig.service.path", what).isEqualTo(WebhookServer.PATH);
    assertThat(reference.getPort()).as("%s clientConfig.service.port", what).isEqualTo(443);

    Service service = single(items, Service.class, WEBHOOK_SERVICE, source);
    String serviceWhat = source + ": Service " + WEBHOOK_SERVICE;
    assertThat(service.getMetadata().getNamespace()).as("%s namespace", serviceWhat).isEqualTo(NAMESPACE);
    assertThat(service.getSpec().getPorts()).as("%s ports", serviceWhat).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getPort()).as("%s port", serviceWhat).isEqualTo(443);
    assertThat(port.getTargetPort().getIntVal()).as("%s targetPort", serviceWhat).isEqualTo(WEBHOOK_PORT);

    Deployment deployment = single(items, Deployment.class, OPERATOR, source);
    assertThat(service.getSpec().getSelector()).as("%s selector", serviceWhat).isNotEmpty();
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .as("%s selector must select the operator's pods", serviceWhat)
        .containsAllEntriesOf(service.getSpec().getSelector());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts()).as("%s: Deployment %s ports", source, OPERATOR)
        .anyMatch(p -> "webhook".equals(p.getName()) && Integer.valueOf(WEBHOOK_PORT).equals(p.getContainerPort()));
    assertThat(container.getEnv()).as("%s: Deployment %s environment", source, OPERATOR)
        .anyMatch(e -> "ACCORD_WEBHOOK_PORT".equals(e.getName()) && String.valueOf(WEBHOOK_PORT).equals(e.getValue()));
  }

  static void assertHttpProbe(Probe probe, String path, String what) {
    assertThat(probe).as(what).isNotNull();
    assertThat(probe.getHttpGet()).as("%s httpGet", what).isNotNull();
    assertThat(probe.getHttpGet().getPath()).as("%s path", what).isEqualTo(path);
    Object port = probe.getHttpGet().getPort().getStrVal() != null ? probe.getHttpGet().getPort().getStrVal()
        : probe.getHttpGet().getPort().getIntVal();
    assertThat(port).as("%s port (the port named http, 8080)", what).isIn("http", 8080);
  }

  /** Images are written without a registry host: the first path segment must not look like a host. */
  static void assertNoRegistryHost(String image, String what) {
    assertThat(image).as(what).isNotBlank();
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      assertThat(first.contains(".") || first.contains(":") || first.equals("localhost"))
          .as("%s %s starts with a registry host (%s): write image names without one", what, image, first)
          .isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The CRD and the samples

  @Test
  void crdDeclaresWhatTheManifestsRelyOn() throws IOException {
    CustomResourceDefinition crd = crd();
    assertThat(crd.getSpec().getGroup()).as("CRD group").isEqualTo("accord.dev");
    assertThat(crd.getSpec().getNames().getKind()).as("CRD kind").isEqualTo("AccordCluster");
    assertThat(crd.getSpec().getNames().getPlural()).as("CRD plural (the ClusterRole grants accordclusters)")
        .isEqualTo("accordclusters");
    assertThat(crd.getSpec().getScope()).as("CRD scope").isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).as("CRD short names (the samples say kubectl get ac)")
        .contains("ac");
    CustomResourceDefinitionVersion version = v1alpha1(crd);
    assertThat(version.getServed()).as("v1alpha1 served").isTrue();
    assertThat(version.getStorage()).as("v1alpha1 storage").isTrue();
    assertThat(version.getSubresources()).as("v1alpha1 subresources").isNotNull();
    assertThat(version.getSubresources().getStatus())
        .as("v1alpha1 status subresource (the ClusterRole grants accordclusters/status)").isNotNull();
  }

  @Test
  void samplesMatchTheCrdSchemaAndEachOther() throws IOException {
    JSONSchemaProps schema = v1alpha1(crd()).getSchema().getOpenAPIV3Schema();
    List<Path> files = yamlFiles().stream().filter(p -> p.startsWith(manifests.resolve("samples"))).toList();
    assertThat(files).as("sample files")
        .contains(manifests.resolve("samples/accordcluster-managed.yaml"),
            manifests.resolve("samples/accordcluster-external.yaml"));

    // The YAML as written, not as a Java class reads it: a typed read could drop a misspelt field unnoticed.
    Map<String, Map<String, Object>> clusters = new TreeMap<>();
    Map<String, Map<String, Object>> secrets = new TreeMap<>();
    for (Path file : files) {
      for (Map<String, Object> document : parseYamlDocuments(file)) {
        Object name = path(document, "metadata", "name");
        String apiVersion = String.valueOf(document.get("apiVersion"));
        if (apiVersion.startsWith("accord.dev/")) {
          assertThat(apiVersion).as("%s: %s apiVersion", rel(file), name).isEqualTo("accord.dev/v1alpha1");
          assertThat(document.get("kind")).as("%s: %s kind", rel(file), name).isEqualTo("AccordCluster");
          Object spec = document.get("spec");
          assertThat(spec).as("%s: AccordCluster %s spec", rel(file), name).isInstanceOf(Map.class);
          checkAgainstSchema(spec, schema.getProperties().get("spec"), rel(file) + ": " + name + " spec");
          @SuppressWarnings("unchecked")
          Map<String, Object> typed = (Map<String, Object>) spec;
          clusters.put(String.valueOf(name), typed);
        } else if ("Secret".equals(document.get("kind"))) {
          secrets.put(String.valueOf(name), document);
        }
      }
    }

    assertThat(clusters).as("AccordClusters in the samples").containsKeys("demo", "accord");
    assertThat(clusters.get("demo")).as("sample demo spec").containsEntry("replicas", 2);
    assertThat(path(clusters.get("demo"), "postgres", "managed", "storageSize"))
        .as("sample demo spec.postgres.managed.storageSize").isEqualTo("1Gi");
    assertThat(path(clusters.get("accord"), "clientDefaults", "ttl")).as("sample accord spec.clientDefaults.ttl")
        .isEqualTo("5m");
    Object secretName = path(clusters.get("accord"), "postgres", "external", "secretName");
    Object urlKey = path(clusters.get("accord"), "postgres", "external", "urlKey");
    assertThat(secrets).as("Secrets in the samples (the one sample accord reads)")
        .containsKey(String.valueOf(secretName));
    assertThat(path(secrets.get(String.valueOf(secretName)), "stringData", String.valueOf(urlKey)))
        .as("stringData.%s of Secret %s (sample accord reads that key)", urlKey, secretName)
        .asString().startsWith("postgres://");
  }

  /** Field names and basic types of a value against a structural schema: catches typos the mock never would. */
  static void checkAgainstSchema(Object value, JSONSchemaProps schema, String where) {
    assertThat(schema).as("%s: no such field in the CRD schema", where).isNotNull();
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      assertThat(value).as("%s: int-or-string", where).isInstanceOfAny(Number.class, String.class);
      return;
    }
    String type = schema.getType();
    if (type == null) {
      return;
    }
    switch (type) {
      case "object" -> {
        assertThat(value).as("%s should be an object", where).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) value;
        if (schema.getRequired() != null) {
          assertThat(new ArrayList<Object>(map.keySet())).as("%s: required fields", where)
              .containsAll(schema.getRequired());
        }
        boolean open = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())
            || schema.getAdditionalProperties() != null;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String field = where + "." + entry.getKey();
          JSONSchemaProps child = schema.getProperties() == null ? null : schema.getProperties().get(entry.getKey());
          if (child == null && open) {
            continue;
          }
          assertThat(child).as("%s: not a field of the CRD schema (known here: %s)", field,
              schema.getProperties() == null ? "none" : new TreeSet<>(schema.getProperties().keySet())).isNotNull();
          checkAgainstSchema(entry.getValue(), child, field);
        }
      }
      case "array" -> {
        assertThat(value).as("%s should be a list", where).isInstanceOf(List.class);
        JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
        if (items != null) {
          List<?> list = (List<?>) value;
          for (int i = 0; i < list.size(); i++) {
            checkAgainstSchema(list.get(i), items, where + "[" + i + "]");
          }
        }
      }
      case "string" -> assertThat(value).as("%s should be a string", where).isInstanceOf(String.class);
      case "integer", "number" -> assertThat(value).as("%s should be a number", where).isInstanceOf(Number.class);
      case "boolean" -> assertThat(value).as("%s should be a boolean", where).isInstanceOf(Boolean.class);
      default -> { }
    }
  }

  static Object path(Map<String, Object> map, String... keys) {
    Object current = map;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  CustomResourceDefinition crd() throws IOException {
    Path file = manifests.resolve(CRD_FILE);
    assertThat(file).as("%s, generated from the crds module (mvn -B package)", rel(file)).isRegularFile();
    List<HasMetadata> items = load(file);
    return single(items, CustomResourceDefinition.class, CRD_NAME, rel(file));
  }

  static CustomResourceDefinitionVersion v1alpha1(CustomResourceDefinition crd) {
    Optional<CustomResourceDefinitionVersion> version =
        crd.getSpec().getVersions().stream().filter(v -> "v1alpha1".equals(v.getName())).findFirst();
    assertThat(version).as("CRD %s version v1alpha1", CRD_NAME).isPresent();
    return version.get();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  static boolean isAccordResource(HasMetadata item) {
    return item.getApiVersion() != null && item.getApiVersion().startsWith("accord.dev/");
  }

  static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  static boolean isKustomization(Path p) {
    String name = p.getFileName().toString();
    return name.equals("kustomization.yaml") || name.equals("kustomization.yml") || name.equals("Kustomization");
  }

  static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(manifests)) {
      return walk.filter(p -> isYaml(p) || isKustomization(p)).sorted(Comparator.naturalOrder()).toList();
    }
  }

  /** Every manifest but the kustomization files, by file, parsed by Fabric8. */
  Map<Path, List<HasMetadata>> loadAll() throws IOException {
    Map<Path, List<HasMetadata>> all = new TreeMap<>();
    for (Path file : yamlFiles()) {
      if (!isKustomization(file)) {
        all.put(file, load(file));
      }
    }
    return all;
  }

  List<HasMetadata> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return client.load(in).items();
    } catch (RuntimeException e) {
      throw new AssertionError(rel(file) + " does not parse as Kubernetes resources: " + e, e);
    }
  }

  static Map<String, Object> parseYamlMap(Path file) throws IOException {
    List<Map<String, Object>> documents = parseYamlDocuments(file);
    assertThat(documents).as("%s: YAML documents in it", rel(file)).hasSize(1);
    return documents.get(0);
  }

  /** Every document of a YAML file, as plain maps; fails unless each is a map. */
  static List<Map<String, Object>> parseYamlDocuments(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (MappingIterator<Object> values = new YAMLMapper().readerFor(Object.class).readValues(file.toFile())) {
      while (values.hasNextValue()) {
        Object document = values.nextValue();
        if (document == null) {
          continue; // an empty document, such as after a leading ---
        }
        assertThat(document).as("%s: each YAML document should be a map", rel(file)).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) document;
        documents.add(map);
      }
    } catch (JsonProcessingException e) {
      throw new AssertionError(rel(file) + " is not valid YAML: " + e.getOriginalMessage(), e);
    }
    return documents;
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> items, Class<T> kind) {
    return items.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  static <T extends HasMetadata> T single(List<HasMetadata> items, Class<T> kind, String name, String source) {
    List<T> found = ofKind(items, kind).stream().filter(i -> name.equals(i.getMetadata().getName())).toList();
    assertThat(found).as("%s: %s named %s", source, kind.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  static String name(HasMetadata item) {
    if (item.getMetadata() == null) {
      return "<no metadata>";
    }
    String ns = item.getMetadata().getNamespace();
    return ns == null ? String.valueOf(item.getMetadata().getName()) : ns + "/" + item.getMetadata().getName();
  }

  static String kindAndName(HasMetadata item) {
    return item.getKind() + " " + name(item);
  }

  static String rel(Path file) {
    return manifests == null ? file.toString() : "manifests/" + manifests.relativize(file);
  }

  static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
