package dev.accord.client;

import java.util.List;

/**
 * The answer to a claim: the leases granted (each already renewing, each to be finished with {@link
 * Lease#done()}), the names that are done, the names another worker holds, and the names not tried
 * because enough leases were granted first. Send the untried ones again later.
 */
public record ClaimResult(
    List<Lease> leases, List<String> done, List<String> held, List<String> untried) {
  public ClaimResult {
    leases = List.copyOf(leases);
    done = List.copyOf(done);
    held = List.copyOf(held);
    untried = List.copyOf(untried);
  }
}
