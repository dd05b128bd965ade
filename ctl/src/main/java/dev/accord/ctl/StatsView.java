package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.admin.NamespaceStats;

/** A namespace's counts as accordctl shows them. */
final class StatsView {
  static final String[] HEADINGS = {
    "NAMESPACE", "DONE", "HELD", "PENDING", "OLDEST PENDING", "LATEST DONE"
  };

  private StatsView() {}

  static Object[] row(NamespaceStats stats) {
    return new Object[] {
      stats.getNamespace(),
      Long.toUnsignedString(stats.getDone()),
      Long.toUnsignedString(stats.getHeld()),
      Long.toUnsignedString(stats.getPending()),
      Times.cell(stats.getOldestPendingTms()),
      Times.cell(stats.getLatestDoneTms())
    };
  }

  /** The declared total, or "-" when none is. */
  static String expected(NamespaceStats stats) {
    return stats.getExpected() == 0 ? "-" : Long.toUnsignedString(stats.getExpected());
  }

  static JsonObject json(NamespaceStats stats) {
    JsonObject object = new JsonObject();
    object.addProperty("namespace", stats.getNamespace());
    object.addProperty("done", stats.getDone());
    object.addProperty("held", stats.getHeld());
    object.addProperty("pending", stats.getPending());
    object.add("oldest_pending", Json.time(stats.getOldestPendingTms()));
    object.add("latest_done", Json.time(stats.getLatestDoneTms()));
    object.addProperty("expected", stats.getExpected());
    return object;
  }
}
