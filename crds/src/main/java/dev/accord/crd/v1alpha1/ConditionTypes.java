package dev.accord.crd.v1alpha1;

/** The {@code type}s of {@link AccordClusterStatus#getConditions() status.conditions}. */
public final class ConditionTypes {

  /**
   * All desired servers are ready and the backend is reachable; the Status printer column shows its
   * reason.
   */
  public static final String READY = "Ready";

  /** The PostgreSQL backend (external, managed or CloudNativePG) is reachable. */
  public static final String BACKEND_READY = "BackendReady";

  /** The operator is rolling out a change. */
  public static final String PROGRESSING = "Progressing";

  /** Something is wrong that the operator cannot fix by itself. */
  public static final String DEGRADED = "Degraded";

  /** The servers' certificate is issued and current (False while TLS is off). */
  public static final String TLS_READY = "TLSReady";

  private ConditionTypes() {}
}
