package dev.endpointsguard.reconciler;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.config.ReconcilerMode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One running reconciler: leader election, the control loop and its metrics, wired together. The
 * application bean runs one; tests and the benchmark build several against a mock API server.
 */
public final class ReconcilerRuntime implements AutoCloseable {

  private final Leadership leadership;
  private final ReconcileLoop loop;
  private final ReconcileMetrics metrics;

  public ReconcilerRuntime(
      KubernetesClient client,
      ClusterView view,
      ReconcilerMode mode,
      String leaseNamespace,
      String identity,
      ReconcilerTiming timing,
      MeterRegistry registry) {
    ServiceScope scope = new ServiceScope(mode);
    this.metrics = new ReconcileMetrics(registry);
    this.leadership = new Leadership(client, leaseNamespace, identity, timing);
    Reconciliation reconciliation = new Reconciliation(view, scope, client, leadership::leading);
    this.loop =
        new ReconcileLoop(view, scope, reconciliation, metrics, leadership::leading, timing);
  }

  public void start() {
    loop.start();
    leadership.start(loop::enqueueAll);
  }

  public boolean leading() {
    return leadership.leading();
  }

  public ReconcileMetrics metrics() {
    return metrics;
  }

  /** Queues every in-scope Service and every Endpoints of ours now. */
  public void resync() {
    loop.enqueueAll();
  }

  /** True when nothing is queued or in progress. */
  public boolean idle() {
    return loop.pending() == 0;
  }

  @Override
  public void close() {
    leadership.close();
    loop.close();
  }
}
