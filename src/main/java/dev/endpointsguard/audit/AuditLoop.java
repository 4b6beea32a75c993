package dev.endpointsguard.audit;

import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.DaemonThreads;
import dev.endpointsguard.rules.Settings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The audit off the request path: runs on its own single daemon thread {@value #THREAD_NAME},
 * pausing {@link #PAUSE} after each {@link AuditRun#BATCH_SIZE} objects, so that it never holds a
 * core for long. After each run it sets the gauges, logs the violations that are new since the
 * previous run and, while {@code leading} says so, records Events.
 */
public final class AuditLoop implements AutoCloseable {

  public static final String THREAD_NAME = "endpoints-guard-audit";

  /** The pause between two batches of objects. */
  public static final Duration PAUSE = Duration.ofMillis(5);

  /** Events recorded in one run at most; the rest follow in the next runs. */
  public static final int MAX_EVENTS_PER_RUN = 500;

  private static final Logger LOG = Logger.getLogger(AuditLoop.class);

  /**
   * What one run did.
   *
   * @param fresh the violations not found by the previous run (the ones logged)
   * @param events Events recorded in this run
   * @param thread the thread the run ran on
   */
  public record Report(
      int audited,
      List<Violation> violations,
      List<Violation> fresh,
      int events,
      String thread,
      long nanos) {}

  private final ClusterView view;
  private final Settings settings;
  private final AuditMetrics metrics;
  private final BooleanSupplier leading;
  private final EventSink events;
  private final AuditRun run;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(THREAD_NAME));
  private final EventMemory memory = new EventMemory();
  private Set<Violation.Key> previous = Set.of();

  /**
   * @param events where the leader records Events; {@code null} records none
   */
  public AuditLoop(
      ClusterView view,
      Settings settings,
      AuditMetrics metrics,
      BooleanSupplier leading,
      EventSink events) {
    this.view = view;
    this.settings = settings;
    this.metrics = metrics;
    this.leading = leading;
    this.events = events;
    this.run = new AuditRun(AuditedKinds.ALL, AuditLoop::pause);
  }

  /** A run every {@code interval}, the first one {@code interval} after now. */
  public void schedule(Duration interval) {
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One run now, on the audit thread. */
  public CompletableFuture<Report> runNow() {
    return CompletableFuture.supplyAsync(this::runOnce, executor);
  }

  private void tick() {
    try {
      if (!view.synced()) {
        LOG.debug("Audit: the cluster view has not synced yet; skipping this run");
        return;
      }
      runOnce();
    } catch (CancellationException e) {
      LOG.debug("Audit: run stopped");
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again.
      LOG.warnf(e, "Audit run failed; trying again next interval");
    }
  }

  private Report runOnce() {
    long start = System.nanoTime();
    AuditRun.Result result = run.evaluate(view, settings);
    metrics.record(result.violations());

    Set<Violation.Key> current = new HashSet<>();
    List<Violation> fresh =
        result.violations().stream()
            .filter(v -> current.add(v.key()) && !previous.contains(v.key()))
            .toList();
    previous = current;
    fresh.forEach(v -> LOG.warn(v.logLine()));

    int recorded = 0;
    if (events != null && leading.getAsBoolean()) {
      recorded = memory.record(result.violations(), result.objects(), events, MAX_EVENTS_PER_RUN);
    }
    long nanos = System.nanoTime() - start;
    LOG.logf(
        fresh.isEmpty() ? Logger.Level.DEBUG : Logger.Level.INFO,
        "Audit: %d objects judged, %d violations (%d new), %d Events recorded, %d ms",
        result.audited(),
        result.violations().size(),
        fresh.size(),
        recorded,
        TimeUnit.NANOSECONDS.toMillis(nanos));
    return new Report(
        result.audited(),
        result.violations(),
        fresh,
        recorded,
        Thread.currentThread().getName(),
        nanos);
  }

  /** Objects the Event memory holds; read it after a run has completed. */
  int rememberedObjects() {
    return memory.size();
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("audit stopped");
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
