package dev.accord.crd.v1alpha1;

import java.nio.file.Path;

/**
 * Where the generated CRD and its committed copy are; the build passes both, defaults fit a run
 * from crds/.
 */
final class CrdFiles {

  static final String FILE_NAME = "accordclusters.accord.dev-v1.yml";

  /** Run from the repository root after a build of crds (which is what runs the tests). */
  static final String REFRESH_COMMAND =
      "cp crds/target/classes/META-INF/fabric8/" + FILE_NAME + " manifests/crds/";

  private CrdFiles() {}

  static Path generated() {
    return Path.of(
        System.getProperty("accord.crd.generated", "target/classes/META-INF/fabric8/" + FILE_NAME));
  }

  /** manifests/samples: the example resources users apply. */
  static Path samples() {
    return Path.of(System.getProperty("accord.samples.dir", "../manifests/samples"));
  }

  static Path committed() {
    return Path.of(System.getProperty("accord.crd.committed", "../manifests/crds/" + FILE_NAME));
  }
}
