/** AccordCluster custom resource types. Placeholder until the operator issue fills it. */
package dev.accord.crd;
