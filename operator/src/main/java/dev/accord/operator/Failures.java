package dev.accord.operator;

import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Map;
import java.util.TreeMap;

/** Turns a failure into the one line a status condition or a log line should carry. */
final class Failures {
  private Failures() {}

  /**
   * The first line of the innermost cause's message: Fabric8 and JOSDK wrap the words that explain
   * it. A workflow failure (JOSDK aggregates one exception per dependent, with a message saying
   * only that there were some) gives the first failed dependent's name and its innermost message.
   */
  static String rootMessage(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AggregatedOperatorException aggregated
          && !aggregated.getAggregatedExceptions().isEmpty()) {
        Map.Entry<String, Exception> first =
            new TreeMap<>(aggregated.getAggregatedExceptions()).firstEntry();
        return first.getKey() + ": " + rootMessage(first.getValue());
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() != null ? root.getMessage() : root.toString();
    return text.lines().findFirst().orElse(text);
  }

  /** Whether the API server could not be reached at all (refused, unknown host, timed out). */
  static boolean isConnectionFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.http.HttpConnectTimeoutException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.nio.channels.UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }
}
