package dev.accord.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The CRD in manifests/crds/ is the one the build generates, byte for byte. */
class CommittedCrdTest {

  @Test
  void committedCrdIsTheGeneratedOne() throws IOException {
    Path generated = CrdFiles.generated();
    Path committed = CrdFiles.committed();
    assertThat(generated)
        .as("the build generates %s (crd-generator-maven-plugin, process-classes phase)", generated)
        .isRegularFile();
    if (!Files.isRegularFile(committed)) {
      fail("%s is missing. Create it with:%n  %s", committed, CrdFiles.REFRESH_COMMAND);
    }

    byte[] expected = Files.readAllBytes(generated);
    byte[] actual = Files.readAllBytes(committed);
    if (!Arrays.equals(expected, actual)) {
      fail(
          "manifests/crds/%s differs from the CRD generated from the Java types (%s).%n"
              + "If the change to the types is intended, refresh the committed copy (from the repository root):%n"
              + "  %s%n%s",
          CrdFiles.FILE_NAME,
          generated,
          CrdFiles.REFRESH_COMMAND,
          firstDifference(expected, actual));
    }
  }

  private static String firstDifference(byte[] generated, byte[] committed) {
    String[] g = new String(generated, StandardCharsets.UTF_8).split("\n", -1);
    String[] c = new String(committed, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < Math.max(g.length, c.length); i++) {
      String gl = i < g.length ? g[i] : "<end of file>";
      String cl = i < c.length ? c[i] : "<end of file>";
      if (!gl.equals(cl)) {
        return String.format(
            "First difference at line %d:%n  generated: %s%n  committed: %s", i + 1, gl, cl);
      }
    }
    return "The files differ in line endings or encoding only.";
  }
}
