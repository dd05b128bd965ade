package dev.accord.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * A CLIENT span for each call, named by the full method, child of the span current where the call
 * starts, and sent to the server in the call's metadata (W3C {@code traceparent} by default). The
 * only class of the library that uses OpenTelemetry: loaded only when a worker passes one to {@link
 * AccordClient.Builder#openTelemetry}, so workers that do not need no OpenTelemetry jar.
 */
final class ClientTracing implements ClientInterceptor {
  static final String SCOPE = "dev.accord.client";

  private static final TextMapSetter<Metadata> HEADERS =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private ClientTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** The interceptor tracing calls into {@code openTelemetry}. */
  static ClientInterceptor interceptor(OpenTelemetry openTelemetry) {
    return new ClientTracing(openTelemetry);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(method.getFullMethodName())
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("rpc.system", "grpc")
            .setAttribute("rpc.service", String.valueOf(method.getServiceName()))
            .setAttribute("rpc.method", String.valueOf(method.getBareMethodName()))
            .startSpan();
    Context context = parent.with(span);
    ClientCall<Q, R> call;
    try (Scope ignored = context.makeCurrent()) {
      call = next.newCall(method, callOptions);
    } catch (RuntimeException | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.end();
      throw e;
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> responseListener, Metadata headers) {
        propagator.inject(context, headers, HEADERS);
        try {
          super.start(
              new SimpleForwardingClientCallListener<>(responseListener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                  if (!status.isOk()) {
                    span.setStatus(StatusCode.ERROR, status.getCode().name());
                  }
                  span.end();
                  try (Scope ignored = context.makeCurrent()) {
                    super.onClose(status, trailers);
                  }
                }
              },
              headers);
        } catch (RuntimeException | Error e) {
          span.recordException(e);
          span.setStatus(StatusCode.ERROR);
          span.end();
          throw e;
        }
      }
    };
  }
}
