package dev.accord.server;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Why a listening socket could not be opened, told as what to change: the port is taken, the
 * address is not this machine's, or the port needs privileges. The kernel's reason is read from the
 * exception chain (Netty and the JDK word it as the C library does).
 */
final class BindFailure {
  private BindFailure() {}

  /**
   * One line naming {@code variable} and what to do.
   *
   * @param variable the setting that chose the address, e.g. {@code ACCORD_LISTEN (--listen)}
   */
  static String describe(String variable, InetSocketAddress address, Throwable failure) {
    String reason = reasons(failure);
    String lower = reason.toLowerCase(Locale.ROOT);
    String where = address.getHostString() + ":" + address.getPort();
    if (lower.contains("address already in use")) {
      return "cannot listen on "
          + where
          + ": port "
          + address.getPort()
          + " is in use by another process (another Accord server?): stop it, or set "
          + variable
          + " to a free port";
    }
    if (lower.contains("cannot assign requested address")) {
      return "cannot listen on "
          + where
          + ": "
          + address.getHostString()
          + " is not an address of this machine: set "
          + variable
          + " to one of its addresses, or to :"
          + address.getPort()
          + " for every interface";
    }
    if (lower.contains("permission denied") || lower.contains("access denied")) {
      return "cannot listen on "
          + where
          + ": permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE): set "
          + variable
          + " to a port from 1024 up";
    }
    return "cannot listen on " + where + ": " + reason + " (set " + variable + ")";
  }

  /** Every distinct message down the chain, joined: the kernel's reason is usually the last. */
  private static String reasons(Throwable failure) {
    StringBuilder reasons = new StringBuilder();
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && reasons.indexOf(message) < 0) {
        if (reasons.length() > 0) {
          reasons.append(": ");
        }
        reasons.append(message);
      }
    }
    return reasons.length() == 0 ? failure.toString() : reasons.toString();
  }
}
