package dev.accord.server.testing;

import dev.accord.server.security.Caller;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.MetadataUtils;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stands in for authentication in tests: a client names the caller it is in a header, and the
 * server interceptor puts that {@link Caller} on the call's context, as the real authentication
 * puts the one it verified. A call without the header has no caller.
 */
public final class TestCallers {
  private static final Metadata.Key<String> NAME =
      Metadata.Key.of("x-test-caller", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> GROUPS =
      Metadata.Key.of("x-test-groups", Metadata.ASCII_STRING_MARSHALLER);

  private TestCallers() {}

  /** The server side: the named caller onto the context. */
  public static ServerInterceptor fromHeaders() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String name = headers.get(NAME);
        if (name == null) {
          return next.startCall(call, headers);
        }
        String groups = headers.get(GROUPS);
        Set<String> groupSet =
            groups == null || groups.isEmpty()
                ? Set.of()
                : Arrays.stream(groups.split(",")).collect(Collectors.toSet());
        Context context = Context.current().withValue(Caller.KEY, new Caller(name, groupSet));
        return Contexts.interceptCall(context, call, headers, next);
      }
    };
  }

  /** The client side: calls made through this interceptor are {@code name} in {@code groups}. */
  public static ClientInterceptor as(String name, String... groups) {
    Metadata headers = new Metadata();
    headers.put(NAME, name);
    if (groups.length > 0) {
      headers.put(GROUPS, String.join(",", groups));
    }
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }
}
