package dev.accord.server.logging;

import java.util.Locale;
import java.util.Map;

/**
 * {@code ACCORD_LOG_FORMAT}: {@code text} (one line per event, the default) or {@code json} (one
 * JSON object per line, through logback's own JSON encoder). The logging configuration ({@code
 * logback.xml}) picks its appender by the system property this sets, so the value must be checked
 * before anything logs.
 */
public final class LogFormat {
  /** The environment variable, and the system property logback.xml reads. */
  public static final String VARIABLE = "ACCORD_LOG_FORMAT";

  private LogFormat() {}

  /**
   * Reads {@code text} or {@code json}, in any case; unset or empty means text.
   *
   * @throws IllegalArgumentException naming ACCORD_LOG_FORMAT and the values it takes
   */
  public static String parse(String value) {
    if (value == null || value.isBlank()) {
      return "text";
    }
    String format = value.trim().toLowerCase(Locale.ROOT);
    if (format.equals("text") || format.equals("json")) {
      return format;
    }
    throw new IllegalArgumentException(VARIABLE + " must be text or json, got \"" + value + "\"");
  }

  /**
   * Checks {@code env}'s ACCORD_LOG_FORMAT and sets the system property the logging configuration
   * reads (system properties come before the environment there).
   *
   * @throws IllegalArgumentException naming ACCORD_LOG_FORMAT
   */
  public static void configureFromEnvironment(Map<String, String> env) {
    System.setProperty(VARIABLE, parse(env.get(VARIABLE)));
  }
}
