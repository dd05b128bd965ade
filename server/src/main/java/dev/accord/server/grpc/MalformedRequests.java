package dev.accord.server.grpc;

import dev.accord.server.logging.RequestLog;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Answers requests that are not valid protobuf (truncated, invalid UTF-8 in a string) with
 * INVALID_ARGUMENT. Left to itself gRPC parses requests before any service code runs and answers a
 * parse failure with UNKNOWN "Application error processing RPC", blaming the server for the
 * client's bytes. Here each method takes the raw request stream and parses it itself.
 */
public final class MalformedRequests {
  private MalformedRequests() {}

  /** The same service, parsing its requests itself. Reflection still sees the original schema. */
  public static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    java.util.List<ServerMethodDefinition<InputStream, ?>> methods = new java.util.ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<InputStream, ?> raw = parsingItself(method);
      descriptor.addMethod(raw.getMethodDescriptor());
      methods.add(raw);
    }
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> parsingItself(
      ServerMethodDefinition<ReqT, RespT> definition) {
    MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
    MethodDescriptor<InputStream, RespT> raw =
        method.toBuilder(RawMarshaller.INSTANCE, method.getResponseMarshaller()).build();
    ServerCallHandler<InputStream, RespT> handler =
        (call, headers) -> {
          ServerCall<ReqT, RespT> typed =
              new ForwardingServerCall.SimpleForwardingServerCall<>(castCall(call)) {
                @Override
                public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
                  return method;
                }
              };
          ServerCall.Listener<ReqT> listener =
              definition.getServerCallHandler().startCall(typed, headers);
          return new ParsingListener<>(method, call, listener);
        };
    return ServerMethodDefinition.create(raw, handler);
  }

  @SuppressWarnings("unchecked")
  private static <ReqT, RespT> ServerCall<ReqT, RespT> castCall(
      ServerCall<InputStream, RespT> call) {
    // Only the request type differs, and requests never flow through ServerCall (only responses
    // do).
    return (ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) call;
  }

  /**
   * Parses each request and hands it on; on a parse failure closes the call and drops what follows.
   */
  private static final class ParsingListener<ReqT, RespT> extends ServerCall.Listener<InputStream> {
    private final MethodDescriptor<ReqT, RespT> method;
    private final ServerCall<InputStream, RespT> call;
    private final ServerCall.Listener<ReqT> delegate;
    private boolean rejected;

    ParsingListener(
        MethodDescriptor<ReqT, RespT> method,
        ServerCall<InputStream, RespT> call,
        ServerCall.Listener<ReqT> delegate) {
      this.method = method;
      this.call = call;
      this.delegate = delegate;
    }

    @Override
    public void onMessage(InputStream message) {
      if (rejected) {
        return;
      }
      ReqT request;
      try {
        request = method.parseRequest(message);
      } catch (StatusRuntimeException e) {
        rejected = true;
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                "malformed " + method.getBareMethodName() + " request: " + cause.getMessage()),
            new Metadata());
        return;
      }
      RequestLog.parsed(request);
      delegate.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (!rejected) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!rejected) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!rejected) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!rejected) {
        delegate.onReady();
      }
    }
  }

  /** Hands the request stream over as it is, to be parsed inside the call. */
  private enum RawMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }
}
