package dev.accord.bench;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A client interceptor that times every unary call by method (from its start to its close, in
 * nanoseconds, into an HdrHistogram {@link Recorder}) and counts calls that closed with a status
 * other than OK by method and code. {@link #interval} hands out what was recorded since the last
 * call, so a report can print one line per interval. Streaming calls (Watch, List) are not timed.
 */
public final class CallTimes implements ClientInterceptor {
  private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return next.newCall(method, options);
    }
    String name = method.getBareMethodName();
    Recorder recorder = recorders.computeIfAbsent(name, n -> new Recorder(3));
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        long start = System.nanoTime();
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                recorder.recordValue(Math.max(1, System.nanoTime() - start));
                if (!status.isOk()) {
                  failures
                      .computeIfAbsent(name + " " + status.getCode(), k -> new LongAdder())
                      .increment();
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  /** The latencies of {@code method} (bare name, e.g. "Renew") recorded since the last call. */
  public Histogram interval(String method) {
    Recorder recorder = recorders.computeIfAbsent(method, n -> new Recorder(3));
    return recorder.getIntervalHistogram();
  }

  /** Failed calls so far, by "Method CODE", and resets the counts. */
  public Map<String, Long> takeFailures() {
    Map<String, Long> taken = new TreeMap<>();
    failures.forEach(
        (key, count) -> {
          long n = count.sumThenReset();
          if (n > 0) {
            taken.put(key, n);
          }
        });
    return taken;
  }
}
