package dev.accord.chaos;

import java.util.List;

/**
 * A guarantee the history shows broken, with the calls that show it.
 *
 * @param rule which guarantee
 * @param resource the resource it concerns
 * @param explanation why these calls cannot all be right
 * @param calls the calls, in the order the explanation names them
 */
public record Violation(Rule rule, String resource, String explanation, List<Call> calls) {

  /** Accord's guarantees, as the checker states them. */
  public enum Rule {
    OVERLAP("a", "two grants of a name valid at once"),
    TOKEN_ORDER("b", "fencing tokens of successive grants do not increase"),
    GRANTED_AFTER_DONE("c", "granted (or held) after an acknowledged done"),
    LOST("d", "an acknowledged done or grant is not in the database"),
    STALE_ACCEPTED("e", "a stale handle was accepted"),
    UNEXPECTED_STATUS("f", "INTERNAL or UNKNOWN answer");

    private final String letter;
    private final String summary;

    Rule(String letter, String summary) {
      this.letter = letter;
      this.summary = summary;
    }

    public String letter() {
      return letter;
    }

    public String summary() {
      return summary;
    }
  }

  public Violation {
    calls = List.copyOf(calls);
  }

  /** A readable report: the rule, the explanation, then one line per call. */
  public String describe(long origin) {
    StringBuilder text =
        new StringBuilder()
            .append('(')
            .append(rule.letter())
            .append(") ")
            .append(rule.summary())
            .append(": ")
            .append(resource)
            .append(": ")
            .append(explanation);
    for (Call call : calls) {
      text.append(System.lineSeparator()).append("    ").append(call.describe(origin));
    }
    return text.toString();
  }
}
