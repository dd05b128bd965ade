package dev.accord.server.backend;

import dev.accord.api.InputLimits;
import java.util.Map;

/**
 * Marks a resource done through its current grant; a valid instance has passed every input rule.
 */
public record DoneCommand(String owner, HandleId handleId, Map<String, String> metadata) {
  public DoneCommand {
    owner = InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    if (handleId == null) {
      throw new InvalidArgumentException("handle_id", "must be set");
    }
    metadata = InputChecks.requireMetadata("metadata", metadata);
  }

  /** Validates fields as they arrive on the wire. */
  public static DoneCommand of(String owner, byte[] handleId, Map<String, String> metadata) {
    InputChecks.requireNonEmpty("owner", owner, InputLimits.MAX_OWNER_CHARS);
    return new DoneCommand(owner, HandleId.fromBytes("handle_id", handleId), metadata);
  }
}
