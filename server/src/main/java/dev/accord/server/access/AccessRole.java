package dev.accord.server.access;

import java.util.Locale;

/**
 * What an access rule lets its principals do in its namespaces. Each role includes the ones before
 * it: a worker may do what a reader may, an admin what a worker may.
 */
public enum AccessRole {
  /** List and Watch. */
  READER,
  /** Acquire, Claim, Renew and Done as well. */
  WORKER,
  /** Everything, including the administrative operations. */
  ADMIN;

  /** Does this role allow what {@code needed} allows? */
  public boolean includes(AccessRole needed) {
    return compareTo(needed) >= 0;
  }

  /** The name an access file uses: {@code worker}, {@code reader} or {@code admin}. */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a role as an access file spells it; null when {@code text} is none of them. */
  static AccessRole fromFileName(String text) {
    for (AccessRole role : values()) {
      if (role.fileName().equals(text)) {
        return role;
      }
    }
    return null;
  }
}
