package dev.accord.server.grpc;

import dev.accord.server.access.AccessDeniedException;
import dev.accord.server.access.AccessPolicy;
import dev.accord.server.access.AccessRole;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.backend.Resource;
import dev.accord.server.security.Caller;
import java.util.function.Predicate;

/**
 * What the caller of the current call may do, for the V1 and admin methods: with no policy
 * (authentication off) everything, as before access rules existed; with one, what its rules give
 * the {@link Caller} on the call's context. Every method reads the caller from the current gRPC
 * context, so call them on the call's thread, before handing work to another.
 */
final class CallAccess {
  private final AccessPolicy policy;

  /**
   * @param policy null when authentication is off
   */
  CallAccess(AccessPolicy policy) {
    this.policy = policy;
  }

  /**
   * Refuses unless the caller has {@code needed} in {@code namespace}; returns the holder a grant
   * taken now records: the caller's name, or empty with authentication off.
   */
  String require(String namespace, AccessRole needed) {
    if (policy == null) {
      return "";
    }
    Caller caller = Caller.current();
    policy.require(caller, namespace, needed);
    return caller.name();
  }

  /**
   * The holder a Renew or Done acts as: the caller's name, or empty with authentication off. The
   * backend refuses it unless it holds the grant, which it was given under a worker role.
   */
  String holder() {
    if (policy == null) {
      return "";
    }
    Caller caller = Caller.current();
    if (caller == null) {
      throw new AccessDeniedException("no authenticated caller: only a grant's holder may use it");
    }
    return caller.name();
  }

  /** The namespaces the caller may List: where it has the reader role or more. */
  NamespaceScope readable() {
    return policy == null
        ? NamespaceScope.EVERYTHING
        : policy.scope(Caller.current(), AccessRole.READER);
  }

  /**
   * Which rows show their handle ID: with authentication on only those whose grant the caller
   * holds; with it off every row, as before access rules existed.
   */
  Predicate<Resource> showsHandleId() {
    if (policy == null) {
      return resource -> true;
    }
    Caller caller = Caller.current();
    String name = caller == null ? null : caller.name();
    return resource -> name != null && name.equals(resource.holder());
  }
}
