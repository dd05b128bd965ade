package dev.accord.it;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails every call of one method with UNAVAILABLE while the flag is set, before it leaves the
 * client: a worker cut off from the servers for that call.
 *
 * @param method the bare method name, such as {@code Renew}
 */
record FailingCalls(String method, AtomicBoolean failing) implements ClientInterceptor {
  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> called, CallOptions options, Channel next) {
    if (!failing.get() || !called.getBareMethodName().equals(method)) {
      return next.newCall(called, options);
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(called, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        listener.onClose(
            Status.UNAVAILABLE.withDescription("partitioned by the test"), new Metadata());
      }

      @Override
      public void sendMessage(Q message) {}

      @Override
      public void halfClose() {}

      @Override
      public void request(int n) {}
    };
  }
}
