package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link ClusterView} over objects held in maps: the view of the files source and of unit tests.
 * Writes are serialised; reads are lock-free.
 */
public class InMemoryClusterView implements ClusterView {

  /** Objects of one kind by namespace/name, with secondary indexes by name. */
  private static final class Table<T extends HasMetadata> {
    final Map<String, T> byKey = new ConcurrentHashMap<>();
    final Map<String, Function<T, List<String>>> indexers;

    /** The index maps by index name; the set of names is fixed, so a plain map built once. */
    final Map<String, Map<String, List<T>>> indexes;

    Table(Map<String, Function<T, List<String>>> indexers) {
      this.indexers = indexers;
      Map<String, Map<String, List<T>>> maps = new java.util.HashMap<>();
      indexers.keySet().forEach(name -> maps.put(name, new ConcurrentHashMap<>()));
      this.indexes = Map.copyOf(maps);
    }

    T put(T object) {
      T old = byKey.put(key(object), object);
      if (old != null) {
        unindex(old);
      }
      indexers.forEach(
          (name, keys) ->
              keys.apply(object)
                  .forEach(
                      k ->
                          indexes
                              .get(name)
                              .computeIfAbsent(k, x -> new CopyOnWriteArrayList<>())
                              .add(object)));
      return old;
    }

    T remove(String key) {
      T old = byKey.remove(key);
      if (old != null) {
        unindex(old);
      }
      return old;
    }

    List<T> byIndex(String name, String key) {
      List<T> found = indexes.get(name).get(key);
      return found == null ? List.of() : List.copyOf(found);
    }

    private void unindex(T old) {
      indexers.forEach(
          (name, keys) -> {
            Map<String, List<T>> index = indexes.get(name);
            for (String k : keys.apply(old)) {
              List<T> list = index.get(k);
              if (list != null) {
                list.remove(old);
                if (list.isEmpty()) {
                  index.remove(k);
                }
              }
            }
          });
    }
  }

  private final Table<Service> services =
      new Table<>(Map.of(ClusterIndexes.SERVICE_IP, ClusterIndexes::serviceIps));
  private final Table<Pod> pods =
      new Table<>(
          Map.of(
              ClusterIndexes.POD_IP, ClusterIndexes::podIps,
              ClusterIndexes.HOST_NETWORK_POD_IP, ClusterIndexes::hostNetworkPodIps));
  private final Table<Endpoints> endpoints = new Table<>(Map.of());
  private final Table<Namespace> namespaces = new Table<>(Map.of());
  private final Table<Node> nodes =
      new Table<>(Map.of(ClusterIndexes.NODE_IP, ClusterIndexes::nodeIps));
  private final Table<EndpointSlice> slices =
      new Table<>(Map.of(ClusterIndexes.SLICE_SERVICE, ClusterIndexes::sliceService));
  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();

  public static InMemoryClusterView of(HasMetadata... objects) {
    return of(List.of(objects));
  }

  public static InMemoryClusterView of(Collection<? extends HasMetadata> objects) {
    InMemoryClusterView view = new InMemoryClusterView();
    objects.forEach(view::put);
    return view;
  }

  /**
   * Adds or replaces an object (slimmed, as the informer caches keep them) and tells the listeners.
   */
  public synchronized void put(HasMetadata object) {
    HasMetadata old;
    HasMetadata stored;
    if (object instanceof Service s) {
      stored = Slimmer.slim(s);
      old = services.put((Service) stored);
    } else if (object instanceof Pod p) {
      stored = Slimmer.slim(p);
      old = pods.put((Pod) stored);
    } else if (object instanceof Endpoints e) {
      stored = Slimmer.slim(e);
      old = endpoints.put((Endpoints) stored);
    } else if (object instanceof Namespace n) {
      stored = Slimmer.slim(n);
      old = namespaces.put((Namespace) stored);
    } else if (object instanceof Node n) {
      stored = Slimmer.slim(n);
      old = nodes.put((Node) stored);
    } else if (object instanceof EndpointSlice e) {
      stored = Slimmer.slim(e);
      old = slices.put((EndpointSlice) stored);
    } else {
      return; // other kinds (Deployments in example manifests, ...) are not part of the view
    }
    HasMetadata previous = old;
    listeners.forEach(l -> l.changed(previous, stored));
  }

  public synchronized void remove(HasMetadata object) {
    String key = key(object);
    HasMetadata old = null;
    if (object instanceof Service) {
      old = services.remove(key);
    } else if (object instanceof Pod) {
      old = pods.remove(key);
    } else if (object instanceof Endpoints) {
      old = endpoints.remove(key);
    } else if (object instanceof Namespace) {
      old = namespaces.remove(key);
    } else if (object instanceof Node) {
      old = nodes.remove(key);
    } else if (object instanceof EndpointSlice) {
      old = slices.remove(key);
    }
    if (old != null) {
      HasMetadata previous = old;
      listeners.forEach(l -> l.changed(previous, null));
    }
  }

  @Override
  public boolean synced() {
    return true;
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.byKey.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<Endpoints> endpoints(String namespace, String name) {
    return Optional.ofNullable(endpoints.byKey.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.byKey.get(name));
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return Optional.ofNullable(pods.byKey.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<Service> servicesByIp(String canonicalIp) {
    return services.byIndex(ClusterIndexes.SERVICE_IP, canonicalIp);
  }

  @Override
  public List<Pod> podsByIp(String canonicalIp) {
    return pods.byIndex(ClusterIndexes.POD_IP, canonicalIp);
  }

  @Override
  public List<Pod> hostNetworkPodsByIp(String canonicalIp) {
    return pods.byIndex(ClusterIndexes.HOST_NETWORK_POD_IP, canonicalIp);
  }

  @Override
  public List<Node> nodesByIp(String canonicalIp) {
    return nodes.byIndex(ClusterIndexes.NODE_IP, canonicalIp);
  }

  @Override
  public Optional<EndpointSlice> endpointSlice(String namespace, String name) {
    return Optional.ofNullable(slices.byKey.get(ClusterIndexes.key(namespace, name)));
  }

  @Override
  public List<EndpointSlice> endpointSlicesOf(String namespace, String serviceName) {
    return slices.byIndex(ClusterIndexes.SLICE_SERVICE, ClusterIndexes.key(namespace, serviceName));
  }

  @Override
  public List<EndpointSlice> endpointSlices() {
    return List.copyOf(slices.byKey.values());
  }

  @Override
  public List<Pod> pods(String namespace) {
    List<Pod> result = new ArrayList<>();
    for (Pod pod : pods.byKey.values()) {
      if (namespace.equals(pod.getMetadata().getNamespace())) {
        result.add(pod);
      }
    }
    return result;
  }

  @Override
  public List<Service> services() {
    return List.copyOf(services.byKey.values());
  }

  @Override
  public List<Service> servicesIn(String namespace) {
    return services.byKey.values().stream()
        .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
        .toList();
  }

  @Override
  public List<Endpoints> endpoints() {
    return List.copyOf(endpoints.byKey.values());
  }

  @Override
  public void addListener(ClusterListener listener) {
    listeners.add(listener);
  }

  private static String key(HasMetadata object) {
    return ClusterIndexes.key(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }
}
