package dev.accord.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project's version from {@code version.properties} beside the given class, which Maven
 * filters: it is there in the jar and in the image alike (an image built from classes has no jar
 * manifest).
 */
final class ProjectVersion {
  private ProjectVersion() {}

  /** The version, or "dev" when the resource is missing or was not filtered (run from an IDE). */
  static String of(Class<?> anchor) {
    try (InputStream in = anchor.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "");
      return version.isBlank() || version.startsWith("${") ? "dev" : version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read version.properties", e);
    }
  }
}
