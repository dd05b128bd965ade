package dev.accord.operator;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.crd.v1alpha1.AccordClusterStatus;
import dev.accord.crd.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One line per reconcile with the cluster, its outcome and how long the reconcile took: at INFO
 * when the outcome (Ready, Progressing or Degraded, and the reason) differs from the last one
 * logged for that cluster, else at DEBUG, so a steady cluster's periodic reconciles stay quiet. A
 * failed reconcile is a WARN the first time its message is seen in a row, then DEBUG while the
 * retries fail the same way.
 */
final class ReconcileLog {
  private static final Logger log = LoggerFactory.getLogger(ReconcileLog.class);

  /** The last outcome logged at INFO or WARN, by "namespace/name". */
  private final Map<String, String> lastLogged = new ConcurrentHashMap<>();

  /** A reconcile that ended with {@code status}, after {@code nanos}. */
  void reconciled(AccordCluster cluster, AccordClusterStatus status, long nanos) {
    String key = key(cluster);
    Condition ready = condition(status, ConditionTypes.READY);
    Condition degraded = condition(status, ConditionTypes.DEGRADED);
    String outcome;
    Condition why;
    if (isTrue(ready)) {
      outcome = "Ready";
      why = ready;
    } else if (isTrue(degraded)) {
      outcome = "Degraded";
      why = degraded;
    } else {
      outcome = "Progressing";
      why = ready;
    }
    String reason = why == null ? "" : why.getReason();
    String message = why == null || why.getMessage() == null ? "" : ": " + why.getMessage();
    boolean changed = !(outcome + " " + reason).equals(lastLogged.put(key, outcome + " " + reason));
    log.atLevel(changed ? Level.INFO : Level.DEBUG)
        .log(
            "AccordCluster {} reconciled in {} ms: {} ({}{})",
            key,
            TimeUnit.NANOSECONDS.toMillis(nanos),
            outcome,
            reason,
            message);
  }

  /** A reconcile that failed with {@code message} after {@code nanos}; JOSDK retries it. */
  void failed(AccordCluster cluster, String message, long nanos) {
    boolean changed =
        !("failed " + message).equals(lastLogged.put(key(cluster), "failed " + message));
    log.atLevel(changed ? Level.WARN : Level.DEBUG)
        .log(
            "AccordCluster {} reconcile failed after {} ms, retrying: {}",
            key(cluster),
            TimeUnit.NANOSECONDS.toMillis(nanos),
            message);
  }

  /** The cluster is deleted: a new one of the same name starts afresh. */
  void forget(AccordCluster cluster) {
    lastLogged.remove(key(cluster));
  }

  private static String key(AccordCluster cluster) {
    return cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
  }

  private static Condition condition(AccordClusterStatus status, String type) {
    List<Condition> conditions = status == null ? null : status.getConditions();
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static boolean isTrue(Condition condition) {
    return condition != null && "True".equals(condition.getStatus());
  }
}
