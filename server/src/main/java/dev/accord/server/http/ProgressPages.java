package dev.accord.server.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress page's HTML as first served: with the figures when the request may see them (so it
 * reads without script, and from curl), or empty behind the sign-in form. The page's script then
 * keeps it current from the event stream. Every name is escaped.
 */
final class ProgressPages {
  private ProgressPages() {}

  /** Who the page is for: authentication on or off, and the caller's name when signed in. */
  record Viewer(boolean authOn, String callerName) {
    boolean signedIn() {
      return !authOn || callerName != null;
    }
  }

  /** The overview of {@code namespaces}. */
  static String overview(Viewer viewer, List<NamespaceProgress> namespaces, String loginMessage) {
    StringBuilder rows = new StringBuilder();
    for (NamespaceProgress progress : namespaces) {
      String name = progress.stats().namespace();
      rows.append("<tr data-namespace=\"")
          .append(Html.escape(name))
          .append("\"><td><a href=\"")
          .append(Html.escape(path(name)))
          .append("\">")
          .append(Html.escape(label(name)))
          .append("</a></td><td><div class=\"progress-cell\"><progress max=\"100\" value=\"")
          .append(Format.percent(progress))
          .append("\"></progress><span class=\"pct\">")
          .append(Format.percent(progress))
          .append("%</span></div></td>")
          .append(cell("num done", Format.count(progress.stats().done())))
          .append(cell("num held", Format.count(progress.stats().held())))
          .append(cell("num pending", Format.count(progress.stats().pending())))
          .append("<td><span class=\"rate\">")
          .append(Html.escape(Format.rate(progress)))
          .append("</span> <span class=\"window\">")
          .append(Html.escape(Format.rateWindow(progress)))
          .append("</span></td>")
          .append(cell("eta", Format.eta(progress)))
          .append("</tr>");
    }
    Map<String, String> slots = common(viewer, loginMessage);
    slots.put("rows", rows.toString());
    slots.put("note", Html.escape(Format.measure(namespaces)));
    slots.put("emptyHidden", namespaces.isEmpty() && viewer.signedIn() ? "" : " hidden");
    slots.put(
        "emptyText",
        viewer.authOn()
            ? "No namespace you may read has resources yet."
            : "No namespace has resources yet.");
    return Html.fill("overview.html", slots);
  }

  /** The page of one namespace; {@code progress} and {@code lists} are null behind sign-in. */
  static String namespace(
      Viewer viewer,
      String namespace,
      NamespaceProgress progress,
      NamespaceDetails.Lists lists,
      String loginMessage) {
    Map<String, String> slots = common(viewer, loginMessage);
    slots.put("namespace", Html.escape(label(namespace)));
    slots.put("stream", Html.escape(path(namespace) + "/events"));
    boolean shown = progress != null;
    slots.put("percent", shown ? Format.percent(progress) : "0");
    slots.put("note", shown ? Html.escape(Format.measure(progress)) : "");
    slots.put("done", shown ? Format.count(progress.stats().done()) : "");
    slots.put("held", shown ? Format.count(progress.stats().held()) : "");
    slots.put("pending", shown ? Format.count(progress.stats().pending()) : "");
    slots.put("rate", shown ? Html.escape(Format.rate(progress)) : "");
    slots.put("rateWindow", shown ? Html.escape(Format.rateWindow(progress)) : "");
    slots.put("eta", shown ? Html.escape(Format.eta(progress)) : "");
    long now = System.currentTimeMillis();
    long oldest = shown ? progress.stats().oldestPendingMillis() : 0;
    long latest = shown ? progress.stats().latestDoneMillis() : 0;
    slots.put("oldest", shown ? Format.ago(oldest, now) : "");
    slots.put("oldestAt", Format.instant(oldest));
    slots.put("oldestMillis", Long.toString(oldest));
    slots.put("latest", shown ? Format.ago(latest, now) : "");
    slots.put("latestAt", Format.instant(latest));
    slots.put("latestMillis", Long.toString(latest));
    StringBuilder names = new StringBuilder();
    StringBuilder failures = new StringBuilder();
    if (lists != null) {
      for (String name : lists.oldestPending()) {
        names.append("<li>").append(Html.escape(name)).append("</li>");
      }
      for (NamespaceDetails.Failure failure : lists.failures()) {
        failures
            .append("<tr>")
            .append(cell("", failure.name()))
            .append(cell("num", failure.attempts()))
            .append(cell("", failure.lastError()))
            .append("</tr>");
      }
    }
    slots.put("pendingNames", names.toString());
    slots.put("failures", failures.toString());
    return Html.fill("namespace.html", slots);
  }

  /** The page's path of {@code namespace}: every character but letters and digits encoded. */
  static String path(String namespace) {
    return "/namespaces/"
        + URLEncoder.encode(namespace, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String label(String namespace) {
    return namespace.isEmpty() ? "(empty namespace)" : namespace;
  }

  private static String cell(String className, String text) {
    return (className.isEmpty() ? "<td>" : "<td class=\"" + className + "\">")
        + Html.escape(text)
        + "</td>";
  }

  private static Map<String, String> common(Viewer viewer, String loginMessage) {
    Map<String, String> slots = new HashMap<>();
    slots.put("auth", viewer.authOn() ? "on" : "off");
    slots.put("contentHidden", viewer.signedIn() ? "" : " hidden");
    if (viewer.authOn()) {
      Map<String, String> login = new HashMap<>();
      login.put("loginHidden", viewer.signedIn() ? " hidden" : "");
      login.put("loginMessage", Html.escape(loginMessage == null ? "" : loginMessage));
      slots.put("login", Html.fill("login.html", login));
    } else {
      slots.put("login", "");
    }
    slots.put(
        "footer",
        !viewer.authOn()
            ? "Authentication is off: this page is open to anyone who can reach this port."
            : viewer.callerName() == null
                ? "Authentication is on: sign in to see the namespaces you may read."
                : "Signed in as <strong>"
                    + Html.escape(viewer.callerName())
                    + "</strong>: showing only the namespaces you may read.");
    return slots;
  }
}
