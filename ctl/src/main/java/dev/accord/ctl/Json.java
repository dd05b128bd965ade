package dev.accord.ctl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** The -o json output: one document per command (watch: one line per event), keys in snake_case. */
final class Json {
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
  private static final Gson LINE =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  static void print(PrintWriter out, JsonElement document) {
    out.println(PRETTY.toJson(document));
    out.flush();
  }

  /** One compact line, for a stream of documents (JSON Lines). */
  static void printLine(PrintWriter out, JsonElement document) {
    out.println(LINE.toJson(document));
    out.flush();
  }

  static JsonArray strings(Collection<String> values) {
    JsonArray array = new JsonArray();
    values.forEach(array::add);
    return array;
  }

  /** A string map as an object, keys sorted. */
  static JsonObject object(Map<String, String> map) {
    JsonObject object = new JsonObject();
    new TreeMap<>(map).forEach(object::addProperty);
    return object;
  }

  /** An ISO-8601 instant from Unix milliseconds, or null for 0 (never). */
  static JsonElement time(long tms) {
    return tms == 0 ? JsonNull.INSTANCE : new JsonPrimitive(Times.iso(tms));
  }
}
