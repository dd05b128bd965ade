/** The Accord Kubernetes operator. Placeholder until the operator issue fills it. */
package dev.accord.operator;
