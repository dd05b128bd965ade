package dev.accord.server.backend.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Opens the backend's HikariCP pool. It connects lazily and fails a call within seconds while the
 * database is gone, so the server starts without its database and clients see UNAVAILABLE and
 * retry.
 */
final class ConnectionPools {
  private ConnectionPools() {}

  static HikariDataSource open(PostgresSettings settings, MeterRegistry registry) {
    HikariConfig config = new HikariConfig();
    // The pool label of Hikari's meters (hikaricp_connections_active{pool="accord"}).
    config.setPoolName("accord");
    config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    config.setJdbcUrl(settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(settings.poolSize());
    // Fail a call within seconds when the database is gone: the client sees UNAVAILABLE and
    // retries.
    config.setConnectionTimeout(3_000);
    config.setValidationTimeout(2_000);
    // Start even while the database is down; the health check reports it until it is back.
    config.setInitializationFailTimeout(-1);
    addDefault(settings.jdbcUrl(), config, "ApplicationName", "accord-server");
    addDefault(settings.jdbcUrl(), config, "connectTimeout", "5");
    // A database host that vanishes mid-query must not hang a call for the minutes TCP takes to
    // notice.
    addDefault(settings.jdbcUrl(), config, "socketTimeout", "30");
    addDefault(settings.jdbcUrl(), config, "tcpKeepAlive", "true");
    return new HikariDataSource(config);
  }

  /** Sets a driver property unless the URL sets it: the operator's URL wins. */
  private static void addDefault(String url, HikariConfig config, String property, String value) {
    if (!url.toLowerCase().contains(property.toLowerCase() + "=")) {
      config.addDataSourceProperty(property, value);
    }
  }
}
