package dev.endpointsguard.reconciler;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.config.ClusterSource;
import dev.endpointsguard.config.GuardConfig;
import dev.endpointsguard.config.OwnIdentity;
import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Starts the endpoints reconciler with the application: with the {@code kubernetes} cluster source
 * it runs for real (leader-elected, every replica stands); with the {@code files} source there is
 * nothing to write to, so it logs once what it would write. Mode {@code off} starts nothing.
 *
 * <p>This is the CDI bean, the lifecycle and wiring of the reconciler; the logic of one reconcile
 * is {@link Reconciliation}.
 */
@ApplicationScoped
public class EndpointsReconciler {

  private static final Logger LOG = Logger.getLogger(EndpointsReconciler.class);

  private final Settings settings;
  private final GuardConfig config;
  private final ClusterView view;
  private final Instance<KubernetesClient> client;
  private final Instance<OwnIdentity> identity;
  private final MeterRegistry registry;
  private volatile ReconcilerRuntime runtime;

  public EndpointsReconciler(
      Settings settings,
      GuardConfig config,
      ClusterView view,
      Instance<KubernetesClient> client,
      Instance<OwnIdentity> identity,
      MeterRegistry registry) {
    this.settings = settings;
    this.config = config;
    this.view = view;
    this.client = client;
    this.identity = identity;
    this.registry = registry;
  }

  void onStart(@Observes StartupEvent event) {
    ReconcilerMode mode = config.reconciler().mode();
    if (mode == ReconcilerMode.OFF) {
      LOG.info("Endpoints reconciler off (endpoints-guard.reconciler.mode=off)");
      return;
    }
    if (config.cluster().source() != ClusterSource.KUBERNETES) {
      logDryRun(new ServiceScope(mode));
      return;
    }
    String candidate =
        Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElse("endpoints-guard")
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    runtime =
        new ReconcilerRuntime(
            client.get(),
            view,
            mode,
            identity.get().namespace(),
            candidate,
            ReconcilerTiming.DEFAULTS,
            registry);
    runtime.start();
    LOG.infof("Endpoints reconciler standing for election as %s (mode %s)", candidate, mode.id());
  }

  void onStop(@Observes ShutdownEvent event) {
    ReconcilerRuntime running = runtime;
    if (running != null) {
      running.close();
    }
  }

  /**
   * Queues every in-scope Service now, as the periodic resync does; no-op when the reconciler does
   * not run.
   */
  public void resync() {
    ReconcilerRuntime running = runtime;
    if (running != null) {
      running.resync();
    }
  }

  /**
   * Whether this replica currently leads (and so writes); false when the reconciler does not run.
   */
  public boolean leading() {
    ReconcilerRuntime running = runtime;
    return running != null && running.leading();
  }

  /** True when nothing is queued or in progress (also when the reconciler does not run). */
  public boolean idle() {
    ReconcilerRuntime running = runtime;
    return running == null || running.idle();
  }

  /** The files source has no API server to write to: say what the reconciler would write, once. */
  private void logDryRun(ServiceScope scope) {
    DryRun.lines(view, scope).forEach(line -> LOG.log(line.level(), line.text()));
  }
}
