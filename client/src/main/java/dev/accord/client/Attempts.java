package dev.accord.client;

import java.util.HashMap;
import java.util.Map;

/**
 * The record of failed attempts a work loop keeps in a resource's metadata, where every worker (and
 * {@code accordctl list --failed}) sees it: {@value WorkLoop#METADATA_ATTEMPTS}, {@value
 * WorkLoop#METADATA_LAST_ERROR} and {@value WorkLoop#METADATA_FAILED}. Metadata merges and has no
 * delete, so an empty value means cleared.
 */
final class Attempts {
  /** The key a task's error went under before attempts were counted; a success clears it too. */
  static final String OLD_ERROR = "error";

  private static final int MAX_ERROR_CHARS = 1_000;

  private Attempts() {}

  /** Failed attempts so far, as recorded; a missing or malformed count is 0. */
  static int count(Map<String, String> metadata) {
    String value = metadata.getOrDefault(WorkLoop.METADATA_ATTEMPTS, "");
    try {
      return value.isEmpty() ? 0 : Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** What a done sends: every key of the record cleared (and the old error key, when present). */
  static Map<String, String> cleared(Map<String, String> metadata) {
    Map<String, String> clear = new HashMap<>();
    clear.put(WorkLoop.METADATA_ATTEMPTS, "");
    clear.put(WorkLoop.METADATA_LAST_ERROR, "");
    clear.put(WorkLoop.METADATA_FAILED, "");
    if (!metadata.getOrDefault(OLD_ERROR, "").isEmpty()) {
      clear.put(OLD_ERROR, "");
    }
    return clear;
  }

  /** What a release after failed attempt number {@code attempts} sends. */
  static Map<String, String> failure(int attempts, Exception error, boolean givenUp) {
    return Map.of(
        WorkLoop.METADATA_ATTEMPTS,
        Integer.toString(attempts),
        WorkLoop.METADATA_LAST_ERROR,
        describe(error),
        WorkLoop.METADATA_FAILED,
        givenUp ? "true" : "");
  }

  /** The error's class and message, cut to what metadata should carry. */
  static String describe(Exception e) {
    String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
  }
}
