package dev.accord.server.security;

import io.grpc.Context;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is calling, as authentication established it: a name (a token's user, {@code
 * system:serviceaccount:NS:NAME}, or a client certificate's CN) and its groups (a token's groups, a
 * certificate's O values). Authentication puts it on the call's {@link Context} under {@link #KEY};
 * with {@code ACCORD_AUTH=none} nothing is put there and {@link #current()} is null.
 *
 * @param name never empty
 * @param groups possibly empty
 */
public record Caller(String name, Set<String> groups) {
  /** The authenticated caller of the call running on this thread's context. */
  public static final Context.Key<Caller> KEY = Context.key("accord-caller");

  /** Prefix of a group in an access rule's principals, e.g. {@code group:batch-workers}. */
  public static final String GROUP_PREFIX = "group:";

  public Caller {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a caller's name must not be empty");
    }
    groups = Set.copyOf(groups);
  }

  /** The caller of the current call, or null when authentication is off. */
  public static Caller current() {
    return KEY.get();
  }

  /** The principals access rules match: the name, and {@code group:} with each group. */
  public Set<String> principals() {
    Set<String> principals = new LinkedHashSet<>();
    principals.add(name);
    for (String group : groups) {
      principals.add(GROUP_PREFIX + group);
    }
    return principals;
  }
}
