package dev.accord.server.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every call by method and status ({@code grpc_server_calls_total}) and times it in a
 * histogram by method ({@code grpc_server_call_duration_seconds}), from the call's start to its
 * close or cancellation. The method label is the full gRPC name, e.g. {@code accord.v1.V1/Acquire}.
 * A method's meters are made on its first call and reused after.
 */
public final class GrpcCallMetrics implements ServerInterceptor {
  /** Bucket bounds: from a batched acquire (a millisecond) to a long List or Watch. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30)
  };

  private static final Status.Code[] CODES = Status.Code.values();

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, MethodMeters> methods = new ConcurrentHashMap<>();

  public GrpcCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    MethodMeters meters = methods.get(method);
    if (meters == null) {
      meters = methods.computeIfAbsent(method, this::metersOf);
    }
    Recorded<Q, R> recorded = new Recorded<>(call, meters, System.nanoTime());
    return new SimpleForwardingServerCallListener<>(next.startCall(recorded, headers)) {
      @Override
      public void onCancel() {
        recorded.finish(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  private MethodMeters metersOf(String method) {
    Timer duration =
        Timer.builder("grpc.server.call.duration")
            .description("gRPC call duration, from start to close, by method")
            .tag("method", method)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    return new MethodMeters(registry, method, new Counter[CODES.length], duration);
  }

  /**
   * A method's timer, and its call counters by status, each made on the first call that ends with
   * it: a status no call had is not exported.
   */
  private record MethodMeters(
      MeterRegistry registry, String method, Counter[] calls, Timer duration) {
    Counter calls(Status.Code code) {
      Counter counter = calls[code.ordinal()];
      if (counter == null) {
        // Two threads may both register: the registry hands both the same counter.
        counter =
            Counter.builder("grpc.server.calls")
                .description("gRPC calls finished, by method and status")
                .tag("method", method)
                .tag("status", code.name())
                .register(registry);
        calls[code.ordinal()] = counter;
      }
      return counter;
    }
  }

  /** The call, recorded once when it closes or is cancelled, whichever comes first. */
  private static final class Recorded<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final MethodMeters meters;
    private final long startNanos;
    private final AtomicBoolean finished = new AtomicBoolean();

    Recorded(ServerCall<Q, R> call, MethodMeters meters, long startNanos) {
      super(call);
      this.meters = meters;
      this.startNanos = startNanos;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      finish(status.getCode());
      super.close(status, trailers);
    }

    void finish(Status.Code code) {
      if (finished.compareAndSet(false, true)) {
        meters.calls(code).increment();
        meters.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      }
    }
  }
}
