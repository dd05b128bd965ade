package dev.accord.server.http;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The data of the progress page's events. Gson escapes {@code <}, {@code >} and {@code &} in
 * strings, so a name can never close a tag; the page's script puts every value in as text.
 */
final class ProgressJson {
  private static final Gson GSON = new Gson();

  private ProgressJson() {}

  /**
   * Every namespace {@code namespaces} lists, for the overview.
   *
   * @param caller the signed-in caller's name; null with authentication off
   */
  static String overview(String caller, List<NamespaceProgress> namespaces) {
    JsonArray array = new JsonArray();
    for (NamespaceProgress progress : namespaces) {
      array.add(counts(progress));
    }
    JsonObject root = new JsonObject();
    root.addProperty("caller", caller);
    root.add("namespaces", array);
    root.addProperty("note", Format.measure(namespaces));
    return GSON.toJson(root);
  }

  /** One namespace with its lists, for its own page. */
  static String namespace(String caller, NamespaceProgress progress, NamespaceDetails.Lists lists) {
    JsonObject root = counts(progress);
    root.addProperty("caller", caller);
    root.addProperty("note", Format.measure(progress));
    JsonArray pending = new JsonArray();
    lists.oldestPending().forEach(pending::add);
    root.add("oldestPending", pending);
    JsonArray failures = new JsonArray();
    for (NamespaceDetails.Failure failure : lists.failures()) {
      JsonObject one = new JsonObject();
      one.addProperty("name", failure.name());
      one.addProperty("attempts", failure.attempts());
      one.addProperty("lastError", failure.lastError());
      failures.add(one);
    }
    root.add("failures", failures);
    return GSON.toJson(root);
  }

  private static JsonObject counts(NamespaceProgress progress) {
    JsonObject one = new JsonObject();
    one.addProperty("namespace", progress.stats().namespace());
    one.addProperty("done", progress.stats().done());
    one.addProperty("held", progress.stats().held());
    one.addProperty("pending", progress.stats().pending());
    one.addProperty("seen", progress.seen());
    one.addProperty("percent", Format.percent(progress));
    one.addProperty("rate", Format.rate(progress));
    one.addProperty("rateWindow", Format.rateWindow(progress));
    one.addProperty("eta", Format.eta(progress));
    one.addProperty("oldestPendingMillis", progress.stats().oldestPendingMillis());
    one.addProperty("latestDoneMillis", progress.stats().latestDoneMillis());
    one.addProperty("expected", progress.stats().expected());
    one.addProperty("total", progress.total());
    return one;
  }
}
