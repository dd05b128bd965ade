package dev.accord.server.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Locale;
import java.util.Map;

/**
 * The server's OpenTelemetry, from the standard {@code OTEL_} variables. Tracing is on only when
 * they name an exporter ({@code OTEL_TRACES_EXPORTER} other than {@code none}) or an OTLP endpoint
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}), and {@code
 * OTEL_SDK_DISABLED} is not {@code true}. Then the SDK is built by OpenTelemetry's autoconfigure
 * and installed as {@link GlobalOpenTelemetry}, where the gRPC server and the PostgreSQL batches
 * find it; otherwise nothing is installed, and no span is ever created.
 */
public final class Tracing {
  /** The instrumentation scope of the server's spans. */
  public static final String SCOPE = "dev.accord.server";

  private Tracing() {}

  /** Whether {@code env} asks for traces to be exported. */
  public static boolean configured(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())) {
      return false;
    }
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim().toLowerCase(Locale.ROOT);
    if (!exporter.isEmpty()) {
      return !exporter.equals("none");
    }
    return !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
  }

  /**
   * Builds and installs the SDK when {@code env} asks for it; returns what to close on shutdown
   * (flushing spans not yet exported), or {@link OpenTelemetry#noop()} when tracing stays off.
   * {@code env} decides whether; the SDK itself reads the process's variables and system
   * properties, as autoconfigure always does.
   *
   * @throws io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException when the variables are
   *     invalid, naming the property
   */
  public static OpenTelemetry install(Map<String, String> env) {
    if (!configured(env)) {
      return OpenTelemetry.noop();
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            // Defaults only: the variables override them. Accord exports traces, not metrics or
            // logs over OTLP (metrics are on /metrics); the JDK's HTTP client is the only sender
            // in the jar, so OTLP goes over HTTP unless told otherwise.
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.service.name", "accord-server"))
            .setResultAsGlobal()
            .build()
            .getOpenTelemetrySdk();
    return sdk;
  }

  /** Closes what {@link #install} returned: flushes and stops the exporter. */
  public static void shutdown(OpenTelemetry openTelemetry) {
    if (openTelemetry instanceof OpenTelemetrySdk sdk) {
      sdk.close();
    }
  }
}
