package dev.accord.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page templates (server/src/main/resources/progress/*.html) and escaping. A template's {@code
 * {{key}}} slots take HTML fragments: every value that came from a user goes through {@link
 * #escape} on its way into one.
 */
final class Html {
  private static final Pattern SLOT = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
  private static final Map<String, String> TEMPLATES = new ConcurrentHashMap<>();

  private Html() {}

  /** {@code text} safe in element content and in quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The template {@code name} with each slot replaced by its fragment.
   *
   * @throws IllegalStateException when a slot has no fragment (a bug, not input)
   */
  static String fill(String name, Map<String, String> fragments) {
    String template = TEMPLATES.computeIfAbsent(name, Html::read);
    Matcher slot = SLOT.matcher(template);
    StringBuilder out = new StringBuilder(template.length() + 1024);
    while (slot.find()) {
      String fragment = fragments.get(slot.group(1));
      if (fragment == null) {
        throw new IllegalStateException("template " + name + " has no value for " + slot.group());
      }
      slot.appendReplacement(out, Matcher.quoteReplacement(fragment));
    }
    slot.appendTail(out);
    return out.toString();
  }

  /** A static file of the page, by its name under progress/. */
  static byte[] resource(String name) {
    try (InputStream in = Html.class.getResourceAsStream("/progress/" + name)) {
      if (in == null) {
        return null;
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read progress/" + name + " from the jar", e);
    }
  }

  private static String read(String name) {
    byte[] bytes = resource(name);
    if (bytes == null) {
      throw new IllegalStateException("progress/" + name + " is missing from the jar");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
