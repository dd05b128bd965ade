package dev.accord.server.tracing;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A SERVER span for each call, named by the full method, child of the caller's span when the
 * request carries one (W3C {@code traceparent} by default), and current while the call's code runs
 * (so the PostgreSQL batches link to it and the request log shows its trace id). Ends with the
 * call's status code.
 */
public final class ServerTracing implements ServerInterceptor {
  /** The codes that are the server's fault, which mark the span as an error. */
  private static final Set<Status.Code> SERVER_ERRORS =
      EnumSet.of(
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  private static final TextMapGetter<Metadata> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
          return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
          if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            return null;
          }
          return carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  public ServerTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(Tracing.SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Context parent = propagator.extract(Context.root(), headers, HEADERS);
    String method = call.getMethodDescriptor().getFullMethodName();
    Span span =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("rpc.system", "grpc")
            .setAttribute(
                "rpc.service", String.valueOf(call.getMethodDescriptor().getServiceName()))
            .setAttribute(
                "rpc.method", String.valueOf(call.getMethodDescriptor().getBareMethodName()))
            .startSpan();
    Context context = parent.with(span);
    Ending ending = new Ending(span);
    ServerCall<Q, R> traced =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            ending.end(status.getCode());
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener;
    try (Scope ignored = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException | Error e) {
      span.recordException(e);
      ending.end(Status.Code.UNKNOWN);
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        try (Scope ignored = context.makeCurrent()) {
          super.onMessage(message);
        }
      }

      @Override
      public void onHalfClose() {
        try (Scope ignored = context.makeCurrent()) {
          super.onHalfClose();
        }
      }

      @Override
      public void onReady() {
        try (Scope ignored = context.makeCurrent()) {
          super.onReady();
        }
      }

      @Override
      public void onCancel() {
        ending.end(Status.Code.CANCELLED);
        try (Scope ignored = context.makeCurrent()) {
          super.onCancel();
        }
      }

      @Override
      public void onComplete() {
        try (Scope ignored = context.makeCurrent()) {
          super.onComplete();
        }
      }
    };
  }

  /** Ends a call's span once: a call is closed, or cancelled, or both. */
  private static final class Ending {
    private final Span span;
    private final AtomicBoolean ended = new AtomicBoolean();

    Ending(Span span) {
      this.span = span;
    }

    void end(Status.Code code) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      span.setAttribute("rpc.grpc.status_code", code.value());
      if (SERVER_ERRORS.contains(code)) {
        span.setStatus(StatusCode.ERROR, code.name());
      }
      span.end();
    }
  }
}
