package dev.accord.server;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import dev.accord.server.metrics.ServerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Opens the backend an {@code ACCORD_BACKEND} value names. */
public final class Backends {
  private Backends() {}

  /**
   * @throws IllegalArgumentException when the value names no backend, saying what would
   * @throws IOException when the embedded database cannot start
   */
  public static Backend open(String spec, Path dataDir, int poolSize) throws IOException {
    return open(spec, dataDir, poolSize, System.getenv(), ServerMetrics.off().registry());
  }

  /** As {@link #open(String, Path, int)}, recording the backend's meters in {@code registry}. */
  public static Backend open(String spec, Path dataDir, int poolSize, MeterRegistry registry)
      throws IOException {
    return open(spec, dataDir, poolSize, System.getenv(), registry);
  }

  /**
   * As {@link #open(String, Path, int)}; {@code env} supplies the libpq variables ({@code PGHOST},
   * {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}) that the bare backend
   * {@code postgres} connects with, so a password can come from a Kubernetes Secret without ever
   * being written into a URL.
   */
  public static Backend open(String spec, Path dataDir, int poolSize, Map<String, String> env)
      throws IOException {
    return open(spec, dataDir, poolSize, env, ServerMetrics.off().registry());
  }

  /**
   * As {@link #open(String, Path, int, Map)}, recording the backend's meters in {@code registry}.
   */
  public static Backend open(
      String spec, Path dataDir, int poolSize, Map<String, String> env, MeterRegistry registry)
      throws IOException {
    if (spec.equals("postgres")) {
      return PostgresBackend.open(PostgresSettings.fromLibpqEnvironment(env, poolSize), registry);
    }
    if (spec.equals("memory")) {
      return new MemoryBackend();
    }
    if (spec.equals("embedded")) {
      EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0);
      return PostgresBackend.open(
          postgres.settings(poolSize),
          "embedded PostgreSQL in "
              + dataDir.toAbsolutePath().normalize()
              + " (port "
              + postgres.port()
              + ")",
          postgres,
          registry);
    }
    if (spec.startsWith("postgres://")
        || spec.startsWith("postgresql://")
        || spec.startsWith("jdbc:postgresql:")) {
      try {
        return PostgresBackend.open(PostgresSettings.parse(spec, poolSize), registry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ACCORD_BACKEND (--backend): " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        "ACCORD_BACKEND (--backend) must be embedded, memory, "
            + "postgres://user:password@host:port/database, jdbc:postgresql://... or postgres (with PGHOST, PGPORT, "
            + "PGDATABASE, PGUSER, PGPASSWORD), got \""
            + redactedHead(spec)
            + "\"");
  }

  private static String redactedHead(String spec) {
    // Whatever was given may hold a password: show only its start.
    return spec.length() > 12 ? spec.substring(0, 12) + "…" : spec;
  }
}
