package dev.accord.server;

import dev.accord.server.access.AccessPolicy;
import dev.accord.server.security.Authenticator;
import java.util.List;

/**
 * How a server treats its callers: who they are ({@code authenticators}, asked in order; none:
 * calls are not authenticated), what each may do ({@code accessPolicy}; null: anything, which is
 * only allowed without authentication), and whether server reflection is served.
 */
public record CallSecurity(
    List<Authenticator> authenticators, AccessPolicy accessPolicy, boolean reflection) {
  /** No authentication, no access rules, reflection on: a laptop, the demo, tests. */
  public static final CallSecurity OPEN = new CallSecurity(List.of(), null, true);

  public CallSecurity {
    authenticators = List.copyOf(authenticators);
  }

  public boolean authenticates() {
    return !authenticators.isEmpty();
  }
}
