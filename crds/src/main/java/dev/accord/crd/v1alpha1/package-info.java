/**
 * The {@code AccordCluster} custom resource, API group {@code accord.dev}, version {@code
 * v1alpha1}.
 *
 * <p>The CRD YAML is generated from these types at build time by Fabric8's crd-generator ({@code
 * target/classes/META-INF/fabric8/accordclusters.accord.dev-v1.yml}); a copy is kept in {@code
 * manifests/crds/}, and a test fails when the two differ.
 */
package dev.accord.crd.v1alpha1;
