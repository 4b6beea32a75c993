package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The cluster view of a live cluster: one shared informer per kind, with slimmed stores and IP
 * indexes, so every admission lookup is a map access.
 */
public class InformerClusterView implements ClusterView, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(InformerClusterView.class);

  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Endpoints> endpoints;
  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Initial lists are paged, so that listing 100,000 Pods is many bounded requests rather than one
   * huge one.
   */
  static final long LIST_PAGE_SIZE = 500;

  public InformerClusterView(KubernetesClient client) {
    services =
        prepare(
            client.services().inAnyNamespace().withLimit(LIST_PAGE_SIZE).runnableInformer(0),
            Slimmer::slim,
            Map.of(ClusterIndexes.SERVICE_IP, ClusterIndexes::serviceIps));
    pods =
        prepare(
            client.pods().inAnyNamespace().withLimit(LIST_PAGE_SIZE).runnableInformer(0),
            Slimmer::slim,
            Map.of(
                ClusterIndexes.POD_IP, ClusterIndexes::podIps,
                ClusterIndexes.HOST_NETWORK_POD_IP, ClusterIndexes::hostNetworkPodIps));
    endpoints =
        prepare(
            client.endpoints().inAnyNamespace().withLimit(LIST_PAGE_SIZE).runnableInformer(0),
            Slimmer::slim,
            Map.of());
    namespaces =
        prepare(
            client.namespaces().withLimit(LIST_PAGE_SIZE).runnableInformer(0),
            Slimmer::slim,
            Map.of());
    nodes =
        prepare(
            client.nodes().withLimit(LIST_PAGE_SIZE).runnableInformer(0),
            Slimmer::slim,
            Map.of(ClusterIndexes.NODE_IP, ClusterIndexes::nodeIps));
    slices =
        prepare(
            client
                .discovery()
                .v1()
                .endpointSlices()
                .inAnyNamespace()
                .withLimit(LIST_PAGE_SIZE)
                .runnableInformer(0),
            Slimmer::slim,
            Map.of(ClusterIndexes.SLICE_SERVICE, ClusterIndexes::sliceService));
  }

  private <T extends HasMetadata> SharedIndexInformer<T> prepare(
      SharedIndexInformer<T> informer,
      UnaryOperator<T> slimmer,
      Map<String, java.util.function.Function<T, List<String>>> indexers) {
    informer.itemStore(new SlimItemStore<>(slimmer));
    if (!indexers.isEmpty()) {
      informer.addIndexers(indexers);
    }
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            notifyListeners(null, obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            notifyListeners(oldObj, newObj);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            notifyListeners(obj, null);
          }
        });
    return informer;
  }

  /** Starts all informers; {@link #synced()} turns true once each has listed. */
  public void start() {
    Stream.of(services, pods, endpoints, namespaces, nodes, slices)
        .forEach(
            i ->
                i.start()
                    .whenComplete(
                        (v, e) -> {
                          if (e != null && !closed) {
                            LOG.errorf(
                                e,
                                "Informer for %s failed to start; it keeps retrying",
                                i.getApiTypeClass().getSimpleName());
                          }
                        }));
  }

  private void notifyListeners(HasMetadata oldObject, HasMetadata newObject) {
    for (ClusterListener listener : listeners) {
      try {
        listener.changed(oldObject, newObject);
      } catch (RuntimeException e) {
        LOG.warnf(e, "Cluster listener failed");
      }
    }
  }

  @Override
  public boolean synced() {
    return services.hasSynced()
        && pods.hasSynced()
        && endpoints.hasSynced()
        && namespaces.hasSynced()
        && nodes.hasSynced()
        && slices.hasSynced();
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.getStore().getByKey(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return Optional.ofNullable(endpoints.getStore().getByKey(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.getStore().getByKey(name));
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return Optional.ofNullable(pods.getStore().getByKey(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<Service> servicesByIp(String canonicalIp) {
    return services.getIndexer().byIndex(ClusterIndexes.SERVICE_IP, canonicalIp);
  }

  @Override
  public List<Pod> hostNetworkPodsByIp(String canonicalIp) {
    return pods.getIndexer().byIndex(ClusterIndexes.HOST_NETWORK_POD_IP, canonicalIp);
  }

  @Override
  public List<Node> nodesByIp(String canonicalIp) {
    return nodes.getIndexer().byIndex(ClusterIndexes.NODE_IP, canonicalIp);
  }

  @Override
  public Optional<EndpointSlice> endpointSlice(String namespace, String name) {
    return Optional.ofNullable(slices.getStore().getByKey(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName) {
    return slices
        .getIndexer()
        .byIndex(ClusterIndexes.SLICE_SERVICE, ClusterIndexes.key(namespace, serviceName));
  }

  @Override
  public List<EndpointSlice> endpointSlices() {
    return slices.getStore().list();
  }

  @Override
  public List<Pod> podsByIp(String canonicalIp) {
    return pods.getIndexer().byIndex(ClusterIndexes.POD_IP, canonicalIp);
  }

  @Override
  public List<Pod> pods(String namespace) {
    return pods.getIndexer()
        .byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX, namespace);
  }

  @Override
  public List<Service> services() {
    return services.getStore().list();
  }

  @Override
  public List<Service> servicesIn(String namespace) {
    return services
        .getIndexer()
        .byIndex(io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX, namespace);
  }

  @Override
  public List<Endpoints> endpoints() {
    return endpoints.getStore().list();
  }

  @Override
  public void addListener(ClusterListener listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    closed = true; // an informer stopped before it listed fails its start: not worth an error
    Stream.of(services, pods, endpoints, namespaces, nodes, slices)
        .forEach(SharedIndexInformer::stop);
  }
}
