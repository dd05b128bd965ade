package dev.accord.ctl;

import com.google.gson.JsonObject;
import dev.accord.api.v1.Handle;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One resource as accordctl shows it. Never its handle ID: that would let whoever reads the output
 * act as the lease's holder.
 */
final class ResourceView {
  static final String[] HEADINGS = {
    "NAME", "STATUS", "TOKEN", "DONE AT", "LEASE EXPIRES", "METADATA"
  };

  private ResourceView() {}

  /**
   * done, held (lease not expired at {@code now}) or pending. {@code now} is this machine's clock;
   * the server judges by the database's.
   */
  static String status(Handle handle, Instant now) {
    if (handle.getDoneTms() != 0) {
      return "done";
    }
    return handle.getExpTms() > now.toEpochMilli() ? "held" : "pending";
  }

  static Object[] row(Handle handle, Instant now) {
    return new Object[] {
      handle.getName(),
      status(handle, now),
      handle.getNumAcquired(),
      Times.cell(handle.getDoneTms()),
      Times.cell(handle.getExpTms()),
      metadataCell(handle.getMetadataMap())
    };
  }

  /** {@code k=v} pairs, sorted, comma-separated; empty values (cleared keys) left out. */
  static String metadataCell(Map<String, String> metadata) {
    String pairs =
        new TreeMap<>(metadata)
            .entrySet().stream()
                .filter(entry -> !entry.getValue().isEmpty())
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
    return pairs.isEmpty() ? "-" : pairs;
  }

  static JsonObject json(Handle handle, Instant now) {
    JsonObject object = new JsonObject();
    object.addProperty("namespace", handle.getNamespace());
    object.addProperty("name", handle.getName());
    object.addProperty("status", status(handle, now));
    object.addProperty("fencing_token", Integer.toUnsignedLong(handle.getNumAcquired()));
    object.add("done_at", Json.time(handle.getDoneTms()));
    object.add("lease_expires", Json.time(handle.getExpTms()));
    object.add("metadata", Json.object(handle.getMetadataMap()));
    return object;
  }
}
