package dev.accord.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.V1Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A CLIENT span per call, under the caller's span, and its context sent as traceparent. */
class ClientTracingTest {
  private static final Metadata.Key<String> TRACEPARENT =
      Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();
  private final List<String> traceparents = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor recordTraceparent =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            traceparents.add(String.valueOf(headers.get(TRACEPARENT)));
            return next.startCall(call, headers);
          }
        };
    V1Grpc.V1ImplBase standIn =
        new V1Grpc.V1ImplBase() {
          @Override
          public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> response) {
            if (request.getName().equals("refused")) {
              response.onError(Status.FAILED_PRECONDITION.asRuntimeException());
              return;
            }
            response.onNext(AcquireResponse.getDefaultInstance());
            response.onCompleted();
          }
        };
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(standIn, recordTraceparent))
            .build()
            .start();
    channel =
        new InterceptedChannel(
            InProcessChannelBuilder.forName(name).build(), ClientTracing.interceptor(sdk));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    sdk.close();
  }

  @Test
  void aCallIsAClientSpanUnderTheCallersSpanAndTheServerReceivesItsContext() {
    Span work = sdk.getTracer("test").spanBuilder("work").startSpan();
    try (Scope ignored = work.makeCurrent()) {
      V1Grpc.newBlockingStub(channel).acquire(AcquireRequest.newBuilder().setName("a").build());
    } finally {
      work.end();
    }

    SpanData call = only(SpanKind.CLIENT);
    assertThat(call.getName()).isEqualTo("blacksquaremedia.accord.V1/Acquire");
    assertThat(call.getTraceId()).isEqualTo(work.getSpanContext().getTraceId());
    assertThat(call.getParentSpanId()).isEqualTo(work.getSpanContext().getSpanId());
    assertThat(traceparents)
        .containsExactly(
            "00-"
                + call.getTraceId()
                + "-"
                + call.getSpanId()
                + "-"
                + call.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void aFailedCallEndsItsSpanAsAnError() {
    try {
      V1Grpc.newBlockingStub(channel)
          .acquire(AcquireRequest.newBuilder().setName("refused").build());
    } catch (StatusRuntimeException expected) {
      assertThat(expected.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    SpanData call = only(SpanKind.CLIENT);
    assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(call.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void shuttingTheChannelDownShutsDownTheChannelUnderIt() throws Exception {
    channel.shutdown();
    assertThat(channel.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(channel.isShutdown()).isTrue();
  }

  private SpanData only(SpanKind kind) {
    List<SpanData> found =
        spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
