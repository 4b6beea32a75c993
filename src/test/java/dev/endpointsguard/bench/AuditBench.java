package dev.endpointsguard.bench;

import static dev.endpointsguard.testing.KubeObjects.endpoints;
import static dev.endpointsguard.testing.KubeObjects.running;
import static dev.endpointsguard.testing.KubeObjects.selectorless;
import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.audit.AuditLoop;
import dev.endpointsguard.audit.AuditMetrics;
import dev.endpointsguard.audit.AuditRun;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cost of one audit run over 10,000 Endpoints objects (100 namespaces × 100 selectorless Services,
 * each with one Endpoints object listing one Pod of its namespace; 1 % point at a Pod of another
 * namespace) and 10,000 Pods, in an in-memory view. Not part of {@code ./mvnw verify} (the class
 * name matches none of surefire's default includes); run: {@code ./mvnw -B -o test
 * -Dtest=AuditBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class AuditBench {

  static final int NAMESPACES = 100;
  static final int PER_NAMESPACE = 100;
  static final int OBJECTS = NAMESPACES * PER_NAMESPACE;
  static final int WARMUP = 3;
  static final int RUNS = 5;

  @Test
  void tenThousandEndpoints() throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      String ns = "ns-" + n;
      for (int i = 0; i < PER_NAMESPACE; i++) {
        String podIp = "10." + (100 + n) + "." + (i / 250) + "." + (1 + i % 250);
        String clusterIp = "10.96." + n + "." + (1 + i);
        // Every 100th object lists the Pod of the next namespace: ip-foreign-pod.
        String listed = i == 0 ? "10." + (100 + (n + 1) % NAMESPACES) + ".0.2" : podIp;
        objects.add(selectorless(ns, "svc-" + i, clusterIp).build());
        objects.add(endpoints(ns, "svc-" + i, listed));
        objects.add(running(ns, "pod-" + i, podIp));
      }
    }
    InMemoryClusterView view = InMemoryClusterView.of(objects);
    var settings = TestSettings.defaults();
    AuditRun run = AuditRun.withoutPauses();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();

    for (int i = 0; i < WARMUP; i++) {
      run.evaluate(view, settings);
    }
    long[] nanos = new long[RUNS];
    long[] bytes = new long[RUNS];
    AuditRun.Result result = null;
    for (int i = 0; i < RUNS; i++) {
      long allocated = threads.getThreadAllocatedBytes(self);
      long t = System.nanoTime();
      result = run.evaluate(view, settings);
      nanos[i] = System.nanoTime() - t;
      bytes[i] = threads.getThreadAllocatedBytes(self) - allocated;
    }
    assertThat(result.audited()).isEqualTo(OBJECTS);
    assertThat(result.violations()).hasSize(NAMESPACES);
    Arrays.sort(nanos);
    Arrays.sort(bytes);
    report(
        "%d Endpoints, %d Pods: median %.1f ms per run (min %.1f, max %.1f), median %.1f MB"
            + " allocated per run (%.0f bytes per object), %d violations",
        OBJECTS,
        OBJECTS,
        nanos[RUNS / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[RUNS - 1] / 1e6,
        bytes[RUNS / 2] / 1e6,
        (double) bytes[RUNS / 2] / OBJECTS,
        result.violations().size());

    // The same through the audit thread, with its pauses between batches: the wall time of a run.
    try (AuditLoop loop =
        new AuditLoop(
            view, settings, new AuditMetrics(new SimpleMeterRegistry()), () -> false, null)) {
      long[] wall = new long[RUNS];
      for (int i = 0; i < RUNS; i++) {
        wall[i] = loop.runNow().get().nanos();
      }
      Arrays.sort(wall);
      report(
          "through the audit thread (pause %d ms after each %d objects): median %.1f ms wall per run",
          AuditLoop.PAUSE.toMillis(), AuditRun.BATCH_SIZE, wall[RUNS / 2] / 1e6);
    }
  }

  private static void report(String format, Object... args) {
    System.out.println("[bench] " + String.format(format, args));
  }
}
