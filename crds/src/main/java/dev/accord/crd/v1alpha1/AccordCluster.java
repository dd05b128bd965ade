package dev.accord.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An Accord cluster: the Accord lease servers the operator runs, and their PostgreSQL backend,
 * either an existing database or one the operator runs too.
 *
 * <p>The printer columns are declared here in the order {@code kubectl get} shows them. Fabric8's
 * generator sorts them by JSON path; the build puts them back in this order (see {@link
 * dev.accord.crd.build.PrinterColumnOrder}). (In Fabric8 7.5 the column description attribute is
 * called {@code getDescription}.)
 */
@Group(AccordCluster.GROUP)
@Version(AccordCluster.VERSION)
@Kind(AccordCluster.KIND)
@Plural(AccordCluster.PLURAL)
@Singular("accordcluster")
@ShortNames("ac")
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".spec.replicas",
    type = Type.INTEGER,
    getDescription = "Desired number of Accord servers")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = Type.INTEGER,
    getDescription = "Accord servers that are ready")
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = Type.STRING,
    getDescription = "Reason of the Ready condition")
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = Type.STRING,
    getDescription = "host:port clients connect to")
@AdditionalPrinterColumn(
    name = "Backend",
    jsonPath = ".status.backend",
    type = Type.STRING,
    getDescription = "external or managed PostgreSQL")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class AccordCluster extends CustomResource<AccordClusterSpec, AccordClusterStatus>
    implements Namespaced {

  private static final long serialVersionUID = 1L;

  public static final String GROUP = "accord.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "AccordCluster";
  public static final String PLURAL = "accordclusters";

  /** The CRD's name, {@code accordclusters.accord.dev}. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  // Overridden only to give spec and status a description in the schema.

  @Override
  @JsonPropertyDescription("Desired state of the Accord cluster.")
  public AccordClusterSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state of the Accord cluster, written by the operator.")
  public AccordClusterStatus getStatus() {
    return super.getStatus();
  }
}
