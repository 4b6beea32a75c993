package dev.endpointsguard.reconciler;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.DaemonThreads;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.reconciler.ReconcileMetrics.Result;
import dev.endpointsguard.reconciler.Reconciliation.Outcome;
import dev.endpointsguard.reconciler.ServiceScope.Managed;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The control loop: cluster-view events become {@code namespace/name} keys in a de-duplicating
 * queue that a few workers drain through {@link Reconciliation}; failed keys back off, and a
 * periodic resync re-checks everything.
 */
final class ReconcileLoop implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);

  private final ClusterView view;
  private final ServiceScope scope;
  private final Reconciliation reconciliation;
  private final ReconcileMetrics metrics;
  private final BooleanSupplier leading;
  private final ReconcilerTiming timing;
  private final ScheduledExecutorService scheduler;
  private final WorkQueue queue;
  private final List<Thread> workers = new ArrayList<>();

  /**
   * In-scope Services by namespace, so that a Pod event finds its Services without re-parsing
   * selectors.
   */
  private final Map<String, Map<String, Managed>> selectors = new ConcurrentHashMap<>();

  /** What {@link AffectedServices} reads: the selector index, the scope, and the view. */
  private final AffectedServices.Lookup affected =
      new AffectedServices.Lookup() {
        @Override
        public Map<String, Managed> managedIn(String namespace) {
          return selectors.getOrDefault(namespace, Map.of());
        }

        @Override
        public ServiceScope.Verdict verdict(Service service) {
          return scope.of(service);
        }

        @Override
        public boolean ownsEndpoints(String namespace, String name) {
          return view.endpoints(namespace, name).filter(ManagedBy::isEndpointsGuard).isPresent();
        }
      };

  private volatile boolean running;

  ReconcileLoop(
      ClusterView view,
      ServiceScope scope,
      Reconciliation reconciliation,
      ReconcileMetrics metrics,
      BooleanSupplier leading,
      ReconcilerTiming timing) {
    this.view = view;
    this.scope = scope;
    this.reconciliation = reconciliation;
    this.metrics = metrics;
    this.leading = leading;
    this.timing = timing;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("endpoints-reconciler-timer"));
    this.queue = new WorkQueue(scheduler, timing.retryBase(), timing.retryMax());
  }

  /**
   * Listens at once; reconciles only after the cluster view has synced, so that no decision rests
   * on half a cache.
   */
  void start() {
    running = true;
    view.addListener(this::changed);
    scheduler.execute(this::startWhenSynced);
  }

  private void startWhenSynced() {
    if (!running) {
      return;
    }
    if (!view.synced()) {
      scheduler.schedule(this::startWhenSynced, 100, TimeUnit.MILLISECONDS);
      return;
    }
    enqueueAll();
    for (int i = 0; i < timing.workers(); i++) {
      Thread worker = DaemonThreads.named("endpoints-reconciler-" + i).newThread(this::work);
      workers.add(worker);
      worker.start();
    }
    long resync = timing.resync().toMillis();
    scheduler.scheduleAtFixedRate(this::enqueueAll, resync, resync, TimeUnit.MILLISECONDS);
    LOG.infof(
        "Endpoints reconciler running: mode %s, %d workers, resync every %s",
        scope.mode().id(), timing.workers(), timing.resync());
  }

  /**
   * Queues every in-scope Service and every Endpoints of ours: the resync, and the start of a
   * leadership term.
   */
  void enqueueAll() {
    for (Service service : view.services()) {
      ServiceScope.Verdict verdict = remember(service, false);
      if (!(verdict instanceof ServiceScope.Outside)) {
        queue.add(key(service));
      }
    }
    for (Endpoints endpoints : view.endpoints()) {
      if (ManagedBy.isEndpointsGuard(endpoints)) {
        queue.add(key(endpoints));
      }
    }
  }

  private void changed(HasMetadata oldObject, HasMetadata newObject) {
    HasMetadata any = newObject != null ? newObject : oldObject;
    if (any instanceof Service) {
      remember((Service) any, newObject == null);
    } else if (any instanceof Endpoints) {
      reconciliation.cacheMoved(key(any));
    }
    AffectedServices.of(oldObject, newObject, affected).forEach(queue::add);
  }

  /** Updates the selector index for a Service and returns where it stands. */
  private ServiceScope.Verdict remember(Service service, boolean deleted) {
    String namespace = service.getMetadata().getNamespace();
    ServiceScope.Verdict verdict = deleted ? new ServiceScope.Outside() : scope.of(service);
    if (verdict instanceof Managed managed) {
      selectors
          .computeIfAbsent(namespace, ns -> new ConcurrentHashMap<>())
          .put(service.getMetadata().getName(), managed);
    } else {
      Map<String, Managed> inNamespace = selectors.get(namespace);
      if (inNamespace != null) {
        inNamespace.remove(service.getMetadata().getName());
      }
    }
    return verdict;
  }

  private void work() {
    while (running) {
      String key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (key == null) {
        return;
      }
      try {
        process(key);
      } finally {
        queue.done(key);
      }
    }
  }

  private void process(String key) {
    if (!leading.getAsBoolean()) {
      return; // followers drop keys: the next leader starts its term with a full resync
    }
    long start = System.nanoTime();
    try {
      Outcome outcome = reconciliation.reconcile(key);
      queue.forget(key);
      switch (outcome) {
        case UNCHANGED -> metrics.record(Result.UNCHANGED, System.nanoTime() - start);
        case CREATED -> metrics.record(Result.CREATED, System.nanoTime() - start);
        case UPDATED -> metrics.record(Result.UPDATED, System.nanoTime() - start);
        case DELETED -> metrics.record(Result.DELETED, System.nanoTime() - start);
        // our write's watch event will queue the key again; this is only the safety net if it never
        // comes
        case STALE -> queue.addAfter(key, timing.staleRecheck());
        case SKIPPED, NOT_LEADER -> {}
      }
    } catch (RuntimeException e) {
      metrics.record(Result.ERROR, System.nanoTime() - start);
      int failures = queue.failures(key) + 1;
      if (failures <= 3) {
        LOG.warnf(
            "Reconciling %s failed (attempt %d), retrying with backoff: %s",
            key, failures, e.getMessage());
      } else {
        LOG.debugf(e, "Reconciling %s failed (attempt %d)", key, failures);
      }
      queue.retry(key);
    }
  }

  /** Keys waiting or in progress: zero once the loop has converged. */
  int pending() {
    return queue.pending();
  }

  @Override
  public void close() {
    running = false;
    queue.shutDown();
    scheduler.shutdownNow();
    workers.forEach(Thread::interrupt);
  }

  private static String key(HasMetadata object) {
    return AffectedServices.key(object);
  }
}
