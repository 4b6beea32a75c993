package dev.endpointsguard.reconciler;

import dev.endpointsguard.kube.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Leader election through the Lease {@value #LEASE_NAME} with fabric8's {@link
 * io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector}. {@link #leading()} turns
 * false the moment the lease is lost, another holder is seen, or renewing fails past the renew
 * deadline. A fabric8 elector cannot be restarted once it stopped, so a fresh one is started to
 * stand again.
 */
public final class Leadership implements AutoCloseable {

  public static final String LEASE_NAME = "endpoints-guard-reconciler";

  private static final Logger LOG = Logger.getLogger(Leadership.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String identity;
  private final ReconcilerTiming timing;
  private volatile Runnable onStartLeading = () -> {};
  private final AtomicBoolean leading = new AtomicBoolean();
  private final ScheduledExecutorService restarter =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("endpoints-reconciler-election"));
  private volatile CompletableFuture<?> election;
  private volatile boolean closed;

  public Leadership(
      KubernetesClient client, String namespace, String identity, ReconcilerTiming timing) {
    this.client = client;
    this.namespace = namespace;
    this.identity = identity;
    this.timing = timing;
  }

  public boolean leading() {
    return leading.get();
  }

  public String identity() {
    return identity;
  }

  /**
   * @param onStartLeading runs (on the election's own thread) each time this instance becomes
   *     leader
   */
  public void start(Runnable onStartLeading) {
    this.onStartLeading = onStartLeading;
    restarter.execute(this::stand);
  }

  private void stand() {
    if (closed) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(LEASE_NAME)
            .withLock(new LeaseLock(namespace, LEASE_NAME, identity))
            .withLeaseDuration(timing.leaseDuration())
            .withRenewDeadline(timing.renewDeadline())
            .withRetryPeriod(timing.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
            .build();
    CompletableFuture<?> future = client.leaderElector().withConfig(config).build().start();
    election = future;
    future.whenComplete(
        (ignored, error) -> {
          stoppedLeading();
          if (!closed) {
            if (error != null) {
              LOG.warnf(
                  "Leader election for Lease %s/%s ended: %s; standing again",
                  namespace, LEASE_NAME, error.getMessage());
            }
            restarter.schedule(this::stand, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private void startedLeading() {
    if (!closed && leading.compareAndSet(false, true)) {
      LOG.infof(
          "%s leads the endpoints reconciler (Lease %s/%s): reconciling everything",
          identity, namespace, LEASE_NAME);
      restarter.execute(onStartLeading);
    }
  }

  private void stoppedLeading() {
    if (leading.compareAndSet(true, false)) {
      LOG.infof("%s no longer leads the endpoints reconciler: writes stopped", identity);
    }
  }

  private void newLeader(String holder) {
    if (!identity.equals(holder)) {
      stoppedLeading();
    }
  }

  /**
   * Stops writing at once and gives the lease up, so that another replica takes over without
   * waiting for expiry.
   */
  @Override
  public void close() {
    closed = true;
    leading.set(false);
    CompletableFuture<?> current = election;
    if (current != null) {
      current.cancel(true);
    }
    restarter.shutdown();
  }
}
