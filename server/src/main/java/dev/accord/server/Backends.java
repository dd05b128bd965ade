package dev.accord.server;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the backend an {@code ACCORD_BACKEND} value names. */
public final class Backends {
  private Backends() {}

  /**
   * @throws IllegalArgumentException when the value names no backend, saying what would
   * @throws IOException when the embedded database cannot start
   */
  public static Backend open(String spec, Path dataDir, int poolSize) throws IOException {
    if (spec.equals("memory")) {
      return new MemoryBackend();
    }
    if (spec.equals("embedded")) {
      EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0);
      return PostgresBackend.open(postgres.settings(poolSize),
          "embedded PostgreSQL in " + dataDir.toAbsolutePath().normalize() + " (port " + postgres.port() + ")", postgres);
    }
    if (spec.startsWith("postgres://") || spec.startsWith("postgresql://") || spec.startsWith("jdbc:postgresql:")) {
      try {
        return PostgresBackend.open(PostgresSettings.parse(spec, poolSize));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ACCORD_BACKEND (--backend): " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("ACCORD_BACKEND (--backend) must be embedded, memory, "
        + "postgres://user:password@host:port/database or jdbc:postgresql://..., got \"" + redactedHead(spec) + "\"");
  }

  private static String redactedHead(String spec) {
    // Whatever was given may hold a password: show only its start.
    return spec.length() > 12 ? spec.substring(0, 12) + "…" : spec;
  }
}
