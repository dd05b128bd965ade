package dev.accord.client;

import java.time.Instant;
import java.util.Optional;

/**
 * The answer to an acquire: {@link Status#ACQUIRED} with the lease, {@link Status#HELD} while
 * another worker's lease runs, or {@link Status#DONE} when the resource is finished. None of these
 * is an error.
 */
public final class AcquireResult {
  /** The three answers. */
  public enum Status {
    /** The lease is this worker's: process the resource, then {@link Lease#done()}. */
    ACQUIRED,
    /** Another worker holds it now; it may be free again after {@link #heldUntil()}. */
    HELD,
    /** It is done; nobody will get it again. */
    DONE
  }

  private final String name;
  private final Status status;
  private final Lease lease;
  private final Instant heldUntil;

  private AcquireResult(String name, Status status, Lease lease, Instant heldUntil) {
    this.name = name;
    this.status = status;
    this.lease = lease;
    this.heldUntil = heldUntil;
  }

  static AcquireResult acquired(Lease lease) {
    return new AcquireResult(lease.name(), Status.ACQUIRED, lease, null);
  }

  static AcquireResult held(String name, Instant until) {
    return new AcquireResult(name, Status.HELD, null, until);
  }

  static AcquireResult done(String name) {
    return new AcquireResult(name, Status.DONE, null, null);
  }

  public String name() {
    return name;
  }

  public Status status() {
    return status;
  }

  public boolean isAcquired() {
    return status == Status.ACQUIRED;
  }

  /**
   * The lease, when acquired.
   *
   * @throws IllegalStateException when the resource was held or done: check {@link #isAcquired()}
   *     first, or use {@link #leaseIfAcquired()}
   */
  public Lease lease() {
    if (lease == null) {
      throw new IllegalStateException("no lease on \"" + name + "\": it is " + status);
    }
    return lease;
  }

  /** The lease when acquired, otherwise empty. */
  public Optional<Lease> leaseIfAcquired() {
    return Optional.ofNullable(lease);
  }

  /**
   * When HELD: when the holder's lease runs out (server clock), unless it is renewed. Otherwise
   * empty.
   */
  public Optional<Instant> heldUntil() {
    return Optional.ofNullable(heldUntil);
  }

  @Override
  public String toString() {
    return name + ": " + status;
  }
}
