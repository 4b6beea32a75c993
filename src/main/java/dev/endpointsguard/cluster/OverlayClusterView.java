package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ClusterView} that answers some lookups from objects read afresh and everything else from
 * the view below: a Service or Pod by name (or its known absence) and the Pods of a namespace. It
 * lets the rules judge a review once more against the API server's answer without changing them.
 * Indexes by IP and the lists of all objects come from the view below. For one evaluation only:
 * listeners are not supported.
 */
public final class OverlayClusterView implements ClusterView {

  private final ClusterView base;
  private final Map<String, Optional<Service>> services = new HashMap<>();
  private final Map<String, Optional<Pod>> pods = new HashMap<>();
  private final Map<String, List<Pod>> podsByNamespace = new HashMap<>();

  public OverlayClusterView(ClusterView base) {
    this.base = Objects.requireNonNull(base, "base");
  }

  /** The Service {@code namespace/name} is {@code service} (empty: it does not exist). */
  public OverlayClusterView withService(String namespace, String name, Optional<Service> service) {
    services.put(key(namespace, name), service);
    return this;
  }

  /** The Pod {@code namespace/name} is {@code pod} (empty: it does not exist). */
  public OverlayClusterView withPod(String namespace, String name, Optional<Pod> pod) {
    pods.put(key(namespace, name), pod);
    return this;
  }

  /** The Pods of {@code namespace} are exactly {@code list}; Pod look-ups there use it too. */
  public OverlayClusterView withPods(String namespace, List<Pod> list) {
    podsByNamespace.put(namespace, List.copyOf(list));
    return this;
  }

  @Override
  public boolean synced() {
    return base.synced();
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    Optional<Service> fresh = services.get(key(namespace, name));
    return fresh != null ? fresh : base.service(namespace, name);
  }

  @Override
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return base.endpoints(namespace, name);
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return base.namespace(name);
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    Optional<Pod> fresh = pods.get(key(namespace, name));
    if (fresh != null) {
      return fresh;
    }
    List<Pod> listed = podsByNamespace.get(namespace);
    if (listed != null) {
      return listed.stream()
          .filter(p -> p.getMetadata() != null && name.equals(p.getMetadata().getName()))
          .findFirst();
    }
    return base.pod(namespace, name);
  }

  @Override
  public List<Service> servicesByIp(String canonicalIp) {
    return base.servicesByIp(canonicalIp);
  }

  @Override
  public List<Pod> hostNetworkPodsByIp(String canonicalIp) {
    return base.hostNetworkPodsByIp(canonicalIp);
  }

  @Override
  public List<Node> nodesByIp(String canonicalIp) {
    return base.nodesByIp(canonicalIp);
  }

  @Override
  public Optional<EndpointSlice> endpointSlice(String namespace, String name) {
    return base.endpointSlice(namespace, name);
  }

  @Override
  public List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName) {
    return base.endpointSlicesOf(namespace, serviceName);
  }

  @Override
  public List<EndpointSlice> endpointSlices() {
    return base.endpointSlices();
  }

  @Override
  public List<Service> servicesIn(String namespace) {
    return base.servicesIn(namespace);
  }

  @Override
  public List<Pod> podsByIp(String canonicalIp) {
    return base.podsByIp(canonicalIp);
  }

  @Override
  public List<Pod> pods(String namespace) {
    List<Pod> listed = podsByNamespace.get(namespace);
    return listed != null ? listed : base.pods(namespace);
  }

  @Override
  public List<Service> services() {
    return base.services();
  }

  @Override
  public List<Endpoints> endpoints() {
    return base.endpoints();
  }

  @Override
  public void addListener(ClusterListener listener) {
    throw new UnsupportedOperationException("an overlay serves one evaluation; listen on its base");
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
