package dev.accord.server.backend;

import java.util.List;

/**
 * What a claim found: the grants it made (each a resource under its new grant), the candidates that
 * are done, and those held by another grant. Candidates in none of the three were not looked at,
 * because {@code max} grants were made first.
 */
public record ClaimAnswer(List<Resource> granted, List<String> done, List<String> held) {
  public ClaimAnswer {
    granted = List.copyOf(granted);
    done = List.copyOf(done);
    held = List.copyOf(held);
  }
}
