package dev.accord.operator;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. A small reader for the expressions this repository
 * writes (dashboards and alerts), not a PromQL parser: it drops strings, label matchers, ranges,
 * grouping clauses and function names, and what is left that looks like a name is a metric.
 */
final class PromQlNames {
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
  private static final Pattern NAME =
      Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(.*?)\\s*,\\s*\\w+\\s*\\)\\s*$");

  private PromQlNames() {}

  static Set<String> in(String expression) {
    String rest = STRING.matcher(expression).replaceAll(" ");
    rest = MATCHERS.matcher(rest).replaceAll(" ");
    rest = RANGE.matcher(rest).replaceAll(" ");
    rest = GROUPING.matcher(rest).replaceAll(" ");
    rest = VARIABLE.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(rest);
    while (m.find()) {
      boolean function = m.group(2) != null;
      String name = m.group(1);
      if (!function && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        names.add(name);
      }
    }
    return names;
  }

  /** A Grafana variable query: {@code label_values(SELECTOR, label)} reads SELECTOR's metric. */
  static Set<String> inVariableQuery(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    return m.matches() ? in(m.group(1)) : in(query);
  }
}
