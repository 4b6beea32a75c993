package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
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

  /**
   * Services that kube-proxy captures the canonical IP for: a {@code clusterIP}/{@code clusterIPs}
   * entry, an {@code externalIPs} entry or a {@code status.loadBalancer.ingress[].ip}.
   */
  List<Service> servicesByIp(String canonicalIp);

  /** Pods without hostNetwork any of whose pod IPs equals the canonical IP (any phase). */
  List<Pod> podsByIp(String canonicalIp);

  /** hostNetwork Pods any of whose pod IPs (their node's) equals the canonical IP. */
  List<Pod> hostNetworkPodsByIp(String canonicalIp);

  /** Nodes with an {@code InternalIP} or {@code ExternalIP} address equal to the canonical IP. */
  List<Node> nodesByIp(String canonicalIp);

  Optional<EndpointSlice> endpointSlice(String namespace, String name);

  /** The slices labelled {@code kubernetes.io/service-name: <serviceName>} in the namespace. */
  List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName);

  List<EndpointSlice> endpointSlices();

  List<Pod> pods(String namespace);

  List<Service> services();

  /** The Services of one namespace. */
  List<Service> servicesIn(String namespace);

  List<Endpoints> endpoints();

  /** Registers a listener for changes of every kind in the view. */
  void addListener(ClusterListener listener);
}
