package dev.accord.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokens of a Kubernetes static-token file, one per line: {@code token,user,uid} and optionally
 * a fourth column of groups, quoted when there are several: {@code "group1,group2"}. Blank lines
 * are skipped. Lookups compare tokens in constant time.
 */
final class StaticTokens {
  private static final int MIN_COLUMNS = 3;

  /** A listed token: its bytes, to compare in constant time, and who it is. */
  private record Entry(byte[] token, Caller caller) {}

  /** Keyed by the token's SHA-256, so finding the entry reveals nothing about the token. */
  private final Map<String, Entry> byDigest;

  private StaticTokens(Map<String, Entry> byDigest) {
    this.byDigest = byDigest;
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the line that is wrong, and why
   * @throws IOException when the file cannot be read
   */
  static StaticTokens read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /** Parses {@code lines}; errors name {@code source} and the line. */
  static StaticTokens parse(String source, List<String> lines) {
    Map<String, Entry> byDigest = new HashMap<>();
    Map<String, Integer> lineOfDigest = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = i == 0 ? stripByteOrderMark(lines.get(i)) : lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      List<String> columns;
      try {
        columns = CsvLine.split(line);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
      if (columns.size() < MIN_COLUMNS) {
        throw new IllegalArgumentException(
            where
                + "expected token,user,uid[,\"group1,group2\"], found "
                + columns.size()
                + " column(s)");
      }
      String token = columns.get(0);
      String user = columns.get(1).trim();
      if (token.isEmpty()) {
        throw new IllegalArgumentException(where + "the token (column 1) is empty");
      }
      if (user.isEmpty()) {
        throw new IllegalArgumentException(where + "the user (column 2) is empty");
      }
      String digest = digest(token);
      Integer earlier = lineOfDigest.putIfAbsent(digest, i + 1);
      if (earlier != null) {
        throw new IllegalArgumentException(
            where + "the token is listed already on line " + earlier);
      }
      Set<String> groups = columns.size() > 3 ? groups(columns.get(3)) : Set.of();
      byDigest.put(
          digest, new Entry(token.getBytes(StandardCharsets.UTF_8), new Caller(user, groups)));
    }
    return new StaticTokens(Map.copyOf(byDigest));
  }

  /** Who {@code token} is, or null when it is not listed. */
  Caller find(String token) {
    Entry entry = byDigest.get(digest(token));
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    return entry != null && MessageDigest.isEqual(entry.token(), presented) ? entry.caller() : null;
  }

  int size() {
    return byDigest.size();
  }

  private static Set<String> groups(String column) {
    Set<String> groups = new LinkedHashSet<>();
    Arrays.stream(column.split(","))
        .map(String::trim)
        .filter(group -> !group.isEmpty())
        .forEach(groups::add);
    return groups;
  }

  private static String stripByteOrderMark(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  private static String digest(String token) {
    return TokenDigest.of(token);
  }
}
