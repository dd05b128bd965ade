package dev.accord.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus text exposition, parsed into samples: name, labels, value. */
record Scrape(List<Sample> samples) {
  record Sample(String name, Map<String, String> labels, double value) {}

  static Scrape of(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space;
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        parseLabels(line.substring(brace + 1, close), labels);
        space = close + 1;
      } else {
        space = line.indexOf(' ');
        name = line.substring(0, space);
      }
      String[] rest = line.substring(space).trim().split(" ");
      samples.add(new Sample(name, labels, Double.parseDouble(rest[0])));
    }
    return new Scrape(samples);
  }

  private static void parseLabels(String text, Map<String, String> labels) {
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      String key = text.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // past ="
      while (text.charAt(j) != '"') {
        if (text.charAt(j) == '\\') {
          j++;
        }
        value.append(text.charAt(j));
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < text.length() && text.charAt(i) == ',') {
        i++;
      }
    }
  }

  /** Whether a sample of {@code name} exists. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /**
   * The sum of the samples of {@code name} whose labels include {@code labelPairs} (name, value,
   * ...); fails when there is none.
   */
  double value(String name, String... labelPairs) {
    double sum = 0;
    boolean found = false;
    for (Sample sample : samples) {
      if (!sample.name().equals(name)) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < labelPairs.length; i += 2) {
        if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
          matches = false;
        }
      }
      if (matches) {
        sum += sample.value();
        found = true;
      }
    }
    if (!found) {
      throw new AssertionError(
          "no sample " + name + " " + String.join(",", labelPairs) + " in the scrape");
    }
    return sum;
  }
}
