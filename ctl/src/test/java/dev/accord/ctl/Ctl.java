package dev.accord.ctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs accordctl in this JVM against a server, with a fixed clock and a scripted terminal. */
final class Ctl {
  static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  final Map<String, String> env = new HashMap<>();

  /** The prompts shown, in order. */
  final List<String> prompts = new ArrayList<>();

  /** Null: not a terminal. Otherwise the answer typed at every prompt. */
  String answer;

  Ctl(String target) {
    env.put("ACCORD_TARGET", target);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal =
        new Terminal() {
          @Override
          public boolean isInteractive() {
            return answer != null;
          }

          @Override
          public String readLine(String prompt) {
            prompts.add(prompt);
            return answer;
          }
        };
    int exitCode =
        AccordCtl.run(
            args,
            env,
            new PrintWriter(out),
            new PrintWriter(err),
            terminal,
            Clock.fixed(NOW, ZoneOffset.UTC));
    return new Result(exitCode, out.toString(), err.toString());
  }
}
