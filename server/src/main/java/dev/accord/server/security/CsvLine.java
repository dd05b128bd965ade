package dev.accord.server.security;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of CSV (RFC 4180, as Go's encoding/csv reads Kubernetes' token file): fields
 * separated by commas; a field starting with {@code "} is quoted, may hold commas, and writes a
 * quote as {@code ""}. A quote elsewhere, or an unterminated quoted field, is an error.
 */
final class CsvLine {
  private CsvLine() {}

  /**
   * @throws IllegalArgumentException saying what is wrong and at which character (1-based)
   */
  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    int at = 0;
    while (true) {
      StringBuilder field = new StringBuilder();
      if (at < line.length() && line.charAt(at) == '"') {
        at = quoted(line, at + 1, field);
        if (at < line.length() && line.charAt(at) != ',') {
          throw new IllegalArgumentException(
              "character " + (at + 1) + ": a quoted field must end at a comma or the line's end");
        }
      } else {
        while (at < line.length() && line.charAt(at) != ',') {
          if (line.charAt(at) == '"') {
            throw new IllegalArgumentException(
                "character " + (at + 1) + ": a quote inside an unquoted field");
          }
          field.append(line.charAt(at++));
        }
      }
      fields.add(field.toString());
      if (at >= line.length()) {
        return fields;
      }
      at++; // the comma
    }
  }

  /** Reads a quoted field's content from {@code at}; returns the index after its closing quote. */
  private static int quoted(String line, int at, StringBuilder field) {
    int opening = at - 1;
    while (at < line.length()) {
      char c = line.charAt(at);
      if (c == '"') {
        if (at + 1 < line.length() && line.charAt(at + 1) == '"') {
          field.append('"');
          at += 2;
          continue;
        }
        return at + 1;
      }
      field.append(c);
      at++;
    }
    throw new IllegalArgumentException(
        "character " + (opening + 1) + ": the quoted field is not closed on this line");
  }
}
