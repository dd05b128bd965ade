package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Marks a resource done through its current grant; a valid instance has passed every input rule.
 *
 * <p>{@code holder} is the authenticated caller's name (only the grant's holder may complete it),
 * or empty when authentication is off (the {@link #withHolder} copy sets it).
 */
public record DoneCommand(
    String owner, HandleId handleId, Map<String, String> metadata, String holder) {
  public DoneCommand {
    holder = holder == null ? "" : holder;
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    if (handleId == null) {
      throw new InvalidArgumentException("handle_id", "must be set");
    }
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** A command with authentication off: no holder. */
  public DoneCommand(String owner, HandleId handleId, Map<String, String> metadata) {
    this(owner, handleId, metadata, "");
  }

  /** This command sent by {@code holder} (null or empty: authentication is off). */
  public DoneCommand withHolder(String holder) {
    return new DoneCommand(owner, handleId, metadata, holder);
  }

  /** Validates fields as they arrive on the wire. */
  public static DoneCommand of(String owner, byte[] handleId, Map<String, String> metadata) {
    InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    return new DoneCommand(owner, HandleId.fromBytes("handle_id", handleId), metadata);
  }
}
