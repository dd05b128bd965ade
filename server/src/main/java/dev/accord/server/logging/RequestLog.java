package dev.accord.server.logging;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.net.SocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives each call an id, in the logging MDC as {@value #CALL_ID} (with the trace id as {@value
 * #TRACE_ID} when the call has a span) while the call's code runs, and logs each finished call at
 * DEBUG on the logger {@value #LOGGER}: method, namespace (when the request names one), status,
 * duration and peer. Only those: never metadata, owners or credentials.
 */
public final class RequestLog implements ServerInterceptor {
  /** The logger of the request log: set it to DEBUG to see one line per call. */
  public static final String LOGGER = "accord.requests";

  /** The MDC key of the call id. */
  public static final String CALL_ID = "call_id";

  /** The MDC key of the call's trace id, there when the call has a span (tracing is on). */
  public static final String TRACE_ID = "trace_id";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  /**
   * The call whose message is being handed on on this thread, while the request log is on: requests
   * reach this interceptor unparsed, and {@link #parsed} learns them once the service parses them.
   */
  private static final ThreadLocal<Logged<?, ?>> receiving = new ThreadLocal<>();

  /**
   * Notes the namespace of a request just parsed on this thread, for its call's request log line.
   * Does nothing while the request log is off.
   */
  public static void parsed(Object request) {
    Logged<?, ?> call = receiving.get();
    if (call != null && call.namespace == null) {
      call.namespace = namespaceOf(request);
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String callId = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    SpanContext span = Span.current().getSpanContext();
    String traceId = span.isValid() ? span.getTraceId() : null;
    Logged<Q, R> logged = new Logged<>(call, callId, traceId, System.nanoTime());
    ServerCall.Listener<Q> listener;
    putIds(callId, traceId);
    try {
      listener = next.startCall(logged, headers);
    } finally {
      removeIds();
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        boolean noting = logged.namespace == null && log.isDebugEnabled();
        if (noting) {
          receiving.set(logged);
        }
        putIds(callId, traceId);
        try {
          super.onMessage(message);
        } finally {
          removeIds();
          if (noting) {
            receiving.remove();
          }
        }
      }

      @Override
      public void onHalfClose() {
        putIds(callId, traceId);
        try {
          super.onHalfClose();
        } finally {
          removeIds();
        }
      }

      @Override
      public void onCancel() {
        logged.finish(Status.Code.CANCELLED);
        super.onCancel();
      }
    };
  }

  private static void putIds(String callId, String traceId) {
    MDC.put(CALL_ID, callId);
    if (traceId != null) {
      MDC.put(TRACE_ID, traceId);
    }
  }

  private static void removeIds() {
    MDC.remove(CALL_ID);
    MDC.remove(TRACE_ID);
  }

  /**
   * The request's {@code namespace} field, or its {@code filter.namespace} (List); "-" when it has
   * neither (Renew and Done name a handle only).
   */
  static String namespaceOf(Object message) {
    if (!(message instanceof Message request)) {
      return "-";
    }
    FieldDescriptor field = request.getDescriptorForType().findFieldByName("namespace");
    if (field != null && field.getJavaType() == FieldDescriptor.JavaType.STRING) {
      return (String) request.getField(field);
    }
    FieldDescriptor filter = request.getDescriptorForType().findFieldByName("filter");
    if (filter != null && filter.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      return namespaceOf(request.getField(filter));
    }
    return "-";
  }

  private static final class Logged<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final String callId;
    private final String traceId;
    private final long startNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile String namespace;

    Logged(ServerCall<Q, R> call, String callId, String traceId, long startNanos) {
      super(call);
      this.callId = callId;
      this.traceId = traceId;
      this.startNanos = startNanos;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      finish(status.getCode());
      super.close(status, trailers);
    }

    void finish(Status.Code code) {
      if (!log.isDebugEnabled() || !finished.compareAndSet(false, true)) {
        return;
      }
      String method = getMethodDescriptor().getFullMethodName();
      String ns = namespace == null ? "-" : namespace;
      double millis = (System.nanoTime() - startNanos) / 1e6;
      SocketAddress peer = getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      String peerText = peer == null ? "-" : peer.toString();
      putIds(callId, traceId);
      try {
        log.atDebug()
            .addKeyValue("method", method)
            .addKeyValue("namespace", ns)
            .addKeyValue("status", code.name())
            .addKeyValue("duration_ms", millis)
            .addKeyValue("peer", peerText)
            .log(
                "{} namespace={} status={} duration={} ms peer={}",
                method,
                ns,
                code,
                String.format(java.util.Locale.ROOT, "%.3f", millis),
                peerText);
      } finally {
        removeIds();
      }
    }
  }
}
