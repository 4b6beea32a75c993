package dev.endpointsguard.config;

/** Where the cluster view comes from. */
public enum ClusterSource {
  /** Informers through the Kubernetes client, in-cluster or from a kubeconfig. */
  KUBERNETES,
  /**
   * YAML/JSON manifests under {@code endpoints-guard.cluster.files}: local runs without a cluster.
   */
  FILES
}
