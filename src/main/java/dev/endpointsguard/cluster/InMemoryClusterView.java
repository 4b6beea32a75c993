package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
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

  /** Objects of one kind by namespace/name, with an optional secondary index by IP. */
  private static final class Table<T extends HasMetadata> {
    final Map<String, T> byKey = new ConcurrentHashMap<>();
    final Map<String, List<T>> byIp = new ConcurrentHashMap<>();
    final Function<T, List<String>> ips;

    Table(Function<T, List<String>> ips) {
      this.ips = ips;
    }

    T put(T object) {
      T old = byKey.put(key(object), object);
      if (old != null) {
        unindex(old);
      }
      ips.apply(object)
          .forEach(ip -> byIp.computeIfAbsent(ip, k -> new CopyOnWriteArrayList<>()).add(object));
      return old;
    }

    T remove(String key) {
      T old = byKey.remove(key);
      if (old != null) {
        unindex(old);
      }
      return old;
    }

    private void unindex(T old) {
      for (String ip : ips.apply(old)) {
        List<T> list = byIp.get(ip);
        if (list != null) {
          list.remove(old);
          if (list.isEmpty()) {
            byIp.remove(ip);
          }
        }
      }
    }
  }

  private final Table<Service> services = new Table<>(ClusterIndexes::clusterIps);
  private final Table<Pod> pods = new Table<>(ClusterIndexes::podIps);
  private final Table<Endpoints> endpoints = new Table<>(e -> List.of());
  private final Table<Namespace> namespaces = new Table<>(n -> List.of());
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
  public List<Service> servicesByClusterIp(String canonicalIp) {
    return List.copyOf(services.byIp.getOrDefault(canonicalIp, List.of()));
  }

  @Override
  public List<Pod> podsByIp(String canonicalIp) {
    return List.copyOf(pods.byIp.getOrDefault(canonicalIp, List.of()));
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
