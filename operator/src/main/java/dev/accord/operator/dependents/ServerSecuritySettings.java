package dev.accord.operator.dependents;

import dev.accord.crd.v1alpha1.AccordCluster;
import dev.accord.operator.AccordResources;
import dev.accord.operator.security.AccessFile;
import dev.accord.operator.security.ClusterSecurity;
import dev.accord.operator.security.OperatorTls;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the server container gets for TLS and authentication: the certificate Secret and the access
 * ConfigMap as volumes (whole directories, not subPath, so that updates reach the files the server
 * re-reads) and the variables naming the files.
 *
 * <p>With TLS on, the probes use a plaintext port that answers only the health service ({@code
 * ACCORD_HEALTH_LISTEN}, the gRPC port + 1): the kubelet's gRPC probe cannot speak TLS.
 *
 * @param probePort the port the gRPC probes ask
 */
record ServerSecuritySettings(
    List<EnvVar> env, List<Volume> volumes, List<VolumeMount> mounts, int probePort) {
  static final String TLS_DIR = "/var/run/accord/tls";
  static final String ACCESS_DIR = "/etc/accord/access";
  static final String TLS_VOLUME = "tls";
  static final String ACCESS_VOLUME = "access";

  static ServerSecuritySettings of(AccordCluster cluster, ClusterSecurity security, int port) {
    int probePort = port;
    List<EnvVar> env = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    if (security.tls() != ClusterSecurity.TlsMode.OFF) {
      env.add(plain("ACCORD_TLS_CERT_FILE", TLS_DIR + "/" + OperatorTls.CERT_KEY));
      env.add(plain("ACCORD_TLS_KEY_FILE", TLS_DIR + "/" + OperatorTls.KEY_KEY));
      volumes.add(
          new VolumeBuilder()
              .withName(TLS_VOLUME)
              .withNewSecret()
              .withSecretName(security.tlsSecret())
              .endSecret()
              .build());
      mounts.add(mount(TLS_VOLUME, TLS_DIR));
      probePort = healthPort(port);
      env.add(plain("ACCORD_HEALTH_LISTEN", ":" + probePort));
    }
    if (security.auth()) {
      env.add(plain("ACCORD_AUTH", "kubernetes"));
      env.add(plain("ACCORD_ACCESS_FILE", ACCESS_DIR + "/" + AccessFile.KEY));
      volumes.add(
          new VolumeBuilder()
              .withName(ACCESS_VOLUME)
              .withNewConfigMap()
              .withName(AccordResources.accessRules(cluster))
              .endConfigMap()
              .build());
      mounts.add(mount(ACCESS_VOLUME, ACCESS_DIR));
    }
    return new ServerSecuritySettings(env, volumes, mounts, probePort);
  }

  /** The plaintext health port beside the gRPC port {@code port}. */
  static int healthPort(int port) {
    return port < 65535 ? port + 1 : port - 1;
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
  }
}
