package dev.accord.server.backend;

/**
 * A request field breaks a rule; nothing was written. The message starts with the wire name of the
 * field.
 */
public final class InvalidArgumentException extends BackendException {
  private final String field;

  public InvalidArgumentException(String field, String problem) {
    super(field + ": " + problem, null);
    this.field = field;
  }

  /** The wire (proto) name of the offending field, e.g. {@code ttl} or {@code metadata}. */
  public String field() {
    return field;
  }
}
