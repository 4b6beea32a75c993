package dev.endpointsguard.reconciler;

import dev.endpointsguard.kube.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
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

  /** How long closing waits for the Lease to be given up before shutdown goes on without that. */
  static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

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
   *
   * <p>fabric8's elector gives the Lease up under its own lock, which a Lease request in flight
   * holds for as long as the API server takes to answer: with an API server that does not answer,
   * shutdown would wait for the client's request timeout (30 s, the default grace period). So the
   * release gets {@link #RELEASE_WAIT} on a thread of its own; after that the Lease expires by
   * itself.
   */
  @Override
  public void close() {
    closed = true;
    leading.set(false);
    CompletableFuture<?> current = election;
    if (current != null) {
      Thread release =
          DaemonThreads.named("endpoints-reconciler-release").newThread(() -> current.cancel(true));
      release.start();
      try {
        release.join(RELEASE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (release.isAlive()) {
        LOG.warnf(
            "Lease %s/%s not given up within %s (the API server does not answer): another replica"
                + " takes over once it expires (%s)",
            namespace, LEASE_NAME, RELEASE_WAIT, timing.leaseDuration());
      }
    }
    restarter.shutdown();
  }
}
