package dev.endpointsguard.reconciler;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.reconciler.ServiceScope.Invalid;
import dev.endpointsguard.reconciler.ServiceScope.Managed;
import dev.endpointsguard.reconciler.ServiceScope.Verdict;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One reconcile of one {@code namespace/name} key: read the Service, its Pods and the stored
 * Endpoints from the cluster view (never from the API server), then create, update, delete or leave
 * alone. Writes happen only while {@code leading} says so, checked right before each write.
 *
 * <p>This is the logic of one reconcile; the CDI bean that starts, wires and stops the reconciler
 * is {@link EndpointsReconciler}.
 */
final class Reconciliation {

  private static final Logger LOG = Logger.getLogger(Reconciliation.class);

  /** What a reconcile did; only the first four are counted in the metrics. */
  enum Outcome {
    UNCHANGED,
    CREATED,
    UPDATED,
    DELETED,
    /** Not ours to act on: out of scope and no Endpoints of ours, or an unparseable selector. */
    SKIPPED,
    /** The cache has not yet seen our own last write: acting now would conflict or write twice. */
    STALE,
    NOT_LEADER
  }

  /**
   * The resourceVersion our last write replaced ("" for a create), until the cache shows something
   * newer.
   */
  private record WrittenOver(String resourceVersion, long atNanos) {}

  /**
   * After this long a missing watch event no longer holds a key back: the cache is trusted again.
   */
  private static final Duration STALE_LIMIT = Duration.ofSeconds(30);

  private final ClusterView view;
  private final ServiceScope scope;
  private final KubernetesClient client;
  private final BooleanSupplier leading;
  private final Map<String, WrittenOver> writtenOver = new ConcurrentHashMap<>();
  private final Map<String, String> lastNotice = new ConcurrentHashMap<>();

  Reconciliation(
      ClusterView view, ServiceScope scope, KubernetesClient client, BooleanSupplier leading) {
    this.view = view;
    this.scope = scope;
    this.client = client;
    this.leading = leading;
  }

  Outcome reconcile(String key) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Optional<Endpoints> stored = view.endpoints(namespace, name);
    if (cacheIsBehindOurWrite(key, stored)) {
      return Outcome.STALE;
    }
    Optional<Service> service = view.service(namespace, name);
    Verdict verdict = service.map(scope::of).orElse(new ServiceScope.Outside());
    if (verdict instanceof Invalid invalid) {
      noticeOnce(
          key,
          Logger.Level.WARN,
          "Service " + key + ": " + invalid.problem() + "; its Endpoints are left as they are");
      return Outcome.SKIPPED;
    }
    if (!(verdict instanceof Managed managed)) {
      lastNotice.remove(key);
      return stored
          .filter(ManagedBy::isEndpointsGuard)
          .map(e -> delete(key, e))
          .orElse(Outcome.SKIPPED);
    }
    List<Pod> pods =
        view.pods(namespace).stream()
            .filter(p -> managed.selects(p.getMetadata().getLabels()))
            .toList();
    Endpoints desired = DesiredEndpoints.compute(service.get(), pods);
    if (stored.isEmpty()) {
      return create(key, desired);
    }
    if (!ManagedBy.isEndpointsGuard(stored.get())) {
      noticeOnce(
          key,
          Logger.Level.INFO,
          "Endpoints "
              + key
              + " exist without label "
              + ManagedBy.LABEL
              + "="
              + ManagedBy.VALUE
              + ": left untouched; delete them to let endpoints-guard manage them");
      return Outcome.UNCHANGED;
    }
    lastNotice.remove(key);
    if (DesiredEndpoints.semanticallyEqual(desired, stored.get())) {
      return Outcome.UNCHANGED;
    }
    return update(key, desired, stored.get());
  }

  /**
   * Tells the reconciliation that the cache saw an Endpoints event for the key, i.e. has moved past
   * our write.
   */
  void cacheMoved(String key) {
    writtenOver.remove(key);
  }

  private boolean cacheIsBehindOurWrite(String key, Optional<Endpoints> stored) {
    WrittenOver last = writtenOver.get(key);
    if (last == null) {
      return false;
    }
    String cached =
        stored.map(e -> Objects.toString(e.getMetadata().getResourceVersion(), "")).orElse("");
    if (cached.equals(last.resourceVersion())
        && System.nanoTime() - last.atNanos() < STALE_LIMIT.toNanos()) {
      return true;
    }
    writtenOver.remove(key, last);
    return false;
  }

  private Outcome create(String key, Endpoints desired) {
    if (!leading.getAsBoolean()) {
      return Outcome.NOT_LEADER;
    }
    client.endpoints().inNamespace(desired.getMetadata().getNamespace()).resource(desired).create();
    writtenOver.put(key, new WrittenOver("", System.nanoTime()));
    LOG.debugf(
        "Created Endpoints %s with %d addresses", key, DesiredEndpoints.addressCount(desired));
    return Outcome.CREATED;
  }

  private Outcome update(String key, Endpoints desired, Endpoints stored) {
    String namespace = stored.getMetadata().getNamespace();
    String storedVersion = stored.getMetadata().getResourceVersion();
    if (!leading.getAsBoolean()) {
      return Outcome.NOT_LEADER;
    }
    // the cache holds slimmed copies without ownerReferences, finalizers and other writers'
    // annotations, so the object to keep them from is read once; a 404 is an error, retried once
    // the cache has seen the deletion
    Endpoints current =
        client
            .endpoints()
            .inNamespace(namespace)
            .withName(stored.getMetadata().getName())
            .require();
    Endpoints replacement = replacement(desired, current, storedVersion);
    if (!leading.getAsBoolean()) {
      return Outcome.NOT_LEADER;
    }
    // a PUT with the cached resourceVersion: 409 Conflict if anyone wrote since, and the key is
    // retried on fresh state
    client.endpoints().inNamespace(namespace).resource(replacement).update();
    writtenOver.put(key, new WrittenOver(Objects.toString(storedVersion, ""), System.nanoTime()));
    LOG.debugf("Updated Endpoints %s: %d addresses", key, DesiredEndpoints.addressCount(desired));
    return Outcome.UPDATED;
  }

  /**
   * The current object with what the reconciler owns replaced, as Kubernetes' endpoints controller
   * builds its update from a copy of the current Endpoints: subsets and labels become the desired
   * ones, the over-capacity annotation is set or removed as desired; everything else
   * (ownerReferences, finalizers, other annotations) stays as it is. The resourceVersion is the one
   * the decision was based on (the cache's), so that the update fails if anyone wrote since.
   */
  static Endpoints replacement(Endpoints desired, Endpoints current, String resourceVersion) {
    Map<String, String> annotations = new TreeMap<>();
    if (current.getMetadata().getAnnotations() != null) {
      annotations.putAll(current.getMetadata().getAnnotations());
    }
    annotations.remove(WellKnown.OVER_CAPACITY_ANNOTATION);
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    return new EndpointsBuilder(current)
        .editMetadata()
        .withResourceVersion(resourceVersion)
        .withLabels(desired.getMetadata().getLabels())
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .endMetadata()
        .withSubsets(desired.getSubsets())
        .build();
  }

  private Outcome delete(String key, Endpoints stored) {
    if (!leading.getAsBoolean()) {
      return Outcome.NOT_LEADER;
    }
    try {
      client
          .endpoints()
          .inNamespace(stored.getMetadata().getNamespace())
          .withName(stored.getMetadata().getName())
          .lockResourceVersion(stored.getMetadata().getResourceVersion())
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    writtenOver.put(
        key,
        new WrittenOver(
            Objects.toString(stored.getMetadata().getResourceVersion(), ""), System.nanoTime()));
    LOG.infof(
        "Deleted Endpoints %s: its Service is gone or no longer in scope (%s)",
        key, scope.mode().id());
    return Outcome.DELETED;
  }

  /**
   * Logs a condition once per key until it changes, so that resyncs do not repeat it every few
   * minutes.
   */
  private void noticeOnce(String key, Logger.Level level, String message) {
    if (!message.equals(lastNotice.put(key, message))) {
      LOG.log(level, message);
    }
  }
}
