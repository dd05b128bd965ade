package dev.accord.server.access;

import java.nio.charset.StandardCharsets;

/** Access policies from YAML text, for tests outside this package. */
public final class TestAccessFiles {
  private TestAccessFiles() {}

  public static AccessPolicy policy(String yaml) {
    return AccessPolicy.of(AccessFile.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"));
  }
}
