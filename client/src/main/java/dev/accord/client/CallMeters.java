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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the client's gRPC calls by method and status as they close, and the attempts that repeat a
 * call after a transient failure ({@link ClientMetrics#RETRY}).
 */
final class CallMeters implements ClientInterceptor {
  private static final Status.Code[] CODES = Status.Code.values();

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, MethodMeters> methods = new ConcurrentHashMap<>();

  CallMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    MethodMeters meters = methods.computeIfAbsent(method.getFullMethodName(), this::metersOf);
    if (options.getOption(ClientMetrics.RETRY)) {
      meters.retries().increment();
    }
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                meters.calls(status.getCode()).increment();
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  private MethodMeters metersOf(String method) {
    Counter retries =
        Counter.builder("accord.client.retries")
            .description("Calls repeated after a transient failure, by method")
            .tag("method", method)
            .register(registry);
    return new MethodMeters(registry, method, retries, new Counter[CODES.length]);
  }

  /** A method's counters; a call counter is made when the first call ends with its status. */
  private record MethodMeters(
      MeterRegistry registry, String method, Counter retries, Counter[] calls) {
    Counter calls(Status.Code code) {
      Counter counter = calls[code.ordinal()];
      if (counter == null) {
        // Two threads may both register: the registry hands both the same counter.
        counter =
            Counter.builder("accord.client.calls")
                .description("gRPC calls the client made, by method and status")
                .tag("method", method)
                .tag("status", code.name())
                .register(registry);
        calls[code.ordinal()] = counter;
      }
      return counter;
    }
  }
}
