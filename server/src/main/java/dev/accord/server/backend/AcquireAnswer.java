package dev.accord.server.backend;

/**
 * The answer to an acquire. With {@link Outcome#GRANTED} the resource carries the caller's new
 * grant; with the other outcomes it shows the resource as it stands (whose handle is not the
 * caller's to use).
 */
public record AcquireAnswer(Outcome outcome, Resource resource) {
  /** The three normal answers to an acquire. */
  public enum Outcome {
    GRANTED,
    HELD,
    DONE
  }
}
