package dev.accord.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Establishes who is calling before any service sees the call: asks each authenticator in order,
 * the first to name a caller wins, and that {@link Caller} goes on the call's {@link Context} under
 * {@link Caller#KEY}. A call no authenticator accepts is closed UNAUTHENTICATED, saying what is
 * missing or wrong, before its request is read: nothing is written. The health service is exempt
 * (kubelet probes carry no credentials); every other service, reflection included, is not.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {
  /** Services that answer without credentials. */
  private static final Set<String> OPEN_SERVICES = Set.of(HealthGrpc.SERVICE_NAME);

  private final List<Authenticator> authenticators;
  private final String missing;

  /**
   * @param authenticators asked in this order; not empty
   */
  public AuthenticationInterceptor(List<Authenticator> authenticators) {
    if (authenticators.isEmpty()) {
      throw new IllegalArgumentException("authentication needs at least one authenticator");
    }
    this.authenticators = List.copyOf(authenticators);
    this.missing =
        "no credentials: this server needs "
            + this.authenticators.stream()
                .map(Authenticator::credential)
                .collect(Collectors.joining(" or "));
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Caller caller;
    try {
      caller = authenticate(call, headers);
    } catch (StatusException refused) {
      call.close(refused.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(Caller.KEY, caller), call, headers, next);
  }

  /** Whether authenticating a call with these headers may wait on something remote. */
  public boolean mayBlock(Metadata headers) {
    return authenticators.stream().anyMatch(authenticator -> authenticator.mayBlock(headers));
  }

  private Caller authenticate(ServerCall<?, ?> call, Metadata headers) throws StatusException {
    for (Authenticator authenticator : authenticators) {
      Caller caller = authenticator.authenticate(headers, call.getAttributes());
      if (caller != null) {
        return caller;
      }
    }
    throw Status.UNAUTHENTICATED.withDescription(missing).asException();
  }
}
