package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Optional;

/**
 * The in-memory picture of the cluster that every rule and the reconciler read. Lookups never call
 * the API server; IP lookups take the canonical form produced by {@link
 * dev.endpointsguard.kube.IpLiteral}. Objects returned are slimmed copies: only the fields the
 * rules and reconciler use are kept.
 */
public interface ClusterView {

  /** True once every cache has its initial list. */
  boolean synced();

  Optional<Service> service(String namespace, String name);

  Optional<Endpoints> endpoints(String namespace, String name);

  Optional<Namespace> namespace(String name);

  Optional<Pod> pod(String namespace, String name);

  /** Services any of whose {@code clusterIP}/{@code clusterIPs} equals the canonical IP. */
  List<Service> servicesByClusterIp(String canonicalIp);

  /** Pods without hostNetwork any of whose pod IPs equals the canonical IP (any phase). */
  List<Pod> podsByIp(String canonicalIp);

  List<Pod> pods(String namespace);

  List<Service> services();

  List<Endpoints> endpoints();

  /** Registers a listener for changes of Services, Pods, Endpoints and Namespaces. */
  void addListener(ClusterListener listener);
}
