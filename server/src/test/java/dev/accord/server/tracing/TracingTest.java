package dev.accord.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.accord.client.AccordClient;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.memory.MemoryBackend;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.logging.RequestLog;
import dev.accord.server.testing.TestPostgres;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Spans from a real client to a real server: the CLIENT and SERVER span of a call in one trace, the
 * PostgreSQL batch's span linked to the call it answered, the trace id in the request log; and
 * nothing at all when no OpenTelemetry is installed.
 */
class TracingTest {
  private static final String ACQUIRE = "blacksquaremedia.accord.V1/Acquire";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final Logger requests = (Logger) LoggerFactory.getLogger(RequestLog.LOGGER);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Level levelBefore;
  private AccordServer server;
  private AccordClient client;

  @BeforeEach
  void captureRequestLog() {
    GlobalOpenTelemetry.resetForTest();
    levelBefore = requests.getLevel();
    requests.setLevel(Level.DEBUG);
    logged.start();
    requests.addAppender(logged);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.shutdown();
    }
    requests.detachAppender(logged);
    requests.setLevel(levelBefore);
    GlobalOpenTelemetry.resetForTest();
    sdk.close();
  }

  @Test
  void aClientCallAndItsServerCallAreOneTraceWithTheServerSpanUnderTheClientSpan()
      throws Exception {
    GlobalOpenTelemetry.set(sdk);
    serve(new MemoryBackend());

    client.acquire("traced-1");

    SpanData clientSpan = awaitSpan(ACQUIRE, SpanKind.CLIENT);
    SpanData serverSpan = awaitSpan(ACQUIRE, SpanKind.SERVER);
    assertThat(serverSpan.getTraceId()).isEqualTo(clientSpan.getTraceId());
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(serverSpan.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
        .isEqualTo(0L);
    assertThat(clientSpan.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void theRequestLogCarriesTheCallsTraceIdNextToItsCallId() throws Exception {
    GlobalOpenTelemetry.set(sdk);
    serve(new MemoryBackend());

    client.acquire("traced-2");

    SpanData serverSpan = awaitSpan(ACQUIRE, SpanKind.SERVER);
    ILoggingEvent line = awaitRequestLine(ACQUIRE);
    assertThat(line.getMDCPropertyMap())
        .containsEntry(RequestLog.TRACE_ID, serverSpan.getTraceId())
        .containsKey(RequestLog.CALL_ID);
  }

  @Test
  void aPostgresAcquireRunsInABatchSpanLinkedToTheCallItAnswers() throws Exception {
    GlobalOpenTelemetry.set(sdk);
    serve(PostgresBackend.open(TestPostgres.newDatabase(4), "test PostgreSQL", () -> {}));

    client.acquire("traced-3");

    SpanData serverSpan = awaitSpan(ACQUIRE, SpanKind.SERVER);
    SpanData batch = awaitSpan("accord.batch acquire", SpanKind.INTERNAL);
    assertThat(batch.getAttributes().get(AttributeKey.longKey("accord.batch.size"))).isEqualTo(1L);
    assertThat(batch.getAttributes().get(AttributeKey.stringKey("db.system.name")))
        .isEqualTo("postgresql");
    assertThat(batch.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(serverSpan.getSpanContext());
  }

  @Test
  void withoutOtelVariablesNothingIsInstalledAndTheServerRecordsNoSpan() throws Exception {
    assertThat(Tracing.configured(java.util.Map.of())).isFalse();
    assertThat(Tracing.install(java.util.Map.of()))
        .isSameAs(io.opentelemetry.api.OpenTelemetry.noop());
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    // The client still traces (the worker opted in) and sends its traceparent: the server, with
    // no OpenTelemetry installed, records nothing and logs no trace id.
    serve(PostgresBackend.open(TestPostgres.newDatabase(4), "test PostgreSQL", () -> {}));

    client.acquire("untraced-1");

    awaitSpan(ACQUIRE, SpanKind.CLIENT);
    ILoggingEvent line = awaitRequestLine(ACQUIRE);
    assertThat(line.getMDCPropertyMap()).doesNotContainKey(RequestLog.TRACE_ID);
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getKind)
        .containsExactly(SpanKind.CLIENT);
  }

  @Test
  void onlyAnExporterOrAnEndpointTurnsTracingOn() {
    assertThat(Tracing.configured(java.util.Map.of("OTEL_TRACES_EXPORTER", "none"))).isFalse();
    assertThat(Tracing.configured(java.util.Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(
            Tracing.configured(
                java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")))
        .isTrue();
    assertThat(
            Tracing.configured(
                java.util.Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                    "OTEL_SDK_DISABLED", "true")))
        .isFalse();
    assertThat(Tracing.configured(java.util.Map.of("OTEL_SERVICE_NAME", "accord"))).isFalse();
  }

  @Test
  void anEndpointInstallsTheSdkAsTheGlobalOpenTelemetry() {
    var installed =
        Tracing.install(java.util.Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
    try {
      assertThat(installed).isInstanceOf(OpenTelemetrySdk.class);
      assertThat(GlobalOpenTelemetry.isSet()).isTrue();
      assertThat(
              GlobalOpenTelemetry.getTracer("test")
                  .spanBuilder("probe")
                  .startSpan()
                  .getSpanContext()
                  .isValid())
          .isTrue();
    } finally {
      Tracing.shutdown(installed);
    }
  }

  private void serve(Backend backend) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        AccordServer.start(
            InProcessServerBuilder.forName(name),
            backend,
            2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(60));
    client =
        AccordClient.builder()
            .channel(InProcessChannelBuilder.forName(name).build())
            .namespace("traced")
            .doneCache(false)
            .openTelemetry(sdk)
            .build();
  }

  private SpanData awaitSpan(String name, SpanKind kind) {
    await().atMost(Duration.ofSeconds(10)).until(() -> find(name, kind).size() == 1);
    return find(name, kind).get(0);
  }

  private List<SpanData> find(String name, SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name) && s.getKind() == kind)
        .toList();
  }

  private ILoggingEvent awaitRequestLine(String method) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> logged.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(method)));
    return logged.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith(method))
        .findFirst()
        .orElseThrow();
  }
}
