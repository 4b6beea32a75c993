package dev.endpointsguard.bench;

import static dev.endpointsguard.testing.KubeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.InformerClusterView;
import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.reconciler.ReconcileMetrics;
import dev.endpointsguard.reconciler.ReconcileMetrics.Result;
import dev.endpointsguard.reconciler.ReconcilerRuntime;
import dev.endpointsguard.reconciler.ReconcilerTiming;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reconciler at scale on the fabric8 CRUD mock API server: 1,000 annotated Services × 10 Pods
 * (10 namespaces of 100 Services). Not part of {@code ./mvnw verify} (the class name matches none
 * of surefire's default includes); run: {@code ./mvnw -B -o test -Dtest=ReconcilerScaleBench
 * -Dsurefire.failIfNoSpecifiedTests=false}. Memory figures are for the whole JVM, which also holds
 * the mock API server and its copies of every object.
 */
@Tag("bench")
@EnableKubernetesMockClient(crud = true)
class ReconcilerScaleBench {

  static final int NAMESPACES = 10;
  static final int SERVICES_PER_NAMESPACE = 100;
  static final int PODS_PER_SERVICE = 10;
  static final int SERVICES = NAMESPACES * SERVICES_PER_NAMESPACE;

  /** Kept so that the level set below is not lost to garbage collection of the logger. */
  static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  KubernetesClient client;

  @Test
  void thousandServicesOfTenPods() throws Exception {
    MOCK_LOG.setLevel(Level.WARNING); // the mock server logs every request at INFO
    long t = System.nanoTime();
    seed();
    report(
        "seeded %d Services and %d Pods through the mock API in %.1f s",
        SERVICES, SERVICES * PODS_PER_SERVICE, seconds(t));

    InformerClusterView view = new InformerClusterView(client);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ReconcilerRuntime runtime =
        new ReconcilerRuntime(
            client,
            view,
            ReconcilerMode.ANNOTATED,
            "endpoints-guard",
            "bench",
            ReconcilerTiming.DEFAULTS,
            registry);
    try (view;
        runtime) {
      long start = System.nanoTime();
      view.start();
      runtime.start();
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(view::synced);
      double synced = seconds(start);
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> converged(view, 0));
      double convergedAt = seconds(start);
      await().atMost(Duration.ofMinutes(1)).until(runtime::idle);
      ReconcileMetrics m = runtime.metrics();
      long initialWrites = writes(m);
      report(
          "initial: caches synced after %.2f s; all %d Endpoints converged %.2f s after start; writes %d (created %d, updated %d), errors %d",
          synced,
          SERVICES,
          convergedAt,
          initialWrites,
          m.count(Result.CREATED),
          m.count(Result.UPDATED),
          m.count(Result.ERROR));
      reconcileTime(registry);
      memory("caches full");

      long replaceStart = System.nanoTime();
      for (int n = 0; n < NAMESPACES; n++) {
        for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
          String ns = "bench-" + n;
          client.pods().inNamespace(ns).withName("svc-" + s + "-pod-0").delete();
          client
              .resource(
                  pod(ns, "svc-" + s + "-pod-new", replacementIp(n, s), Map.of("app", "svc-" + s))
                      .build())
              .create();
        }
      }
      double apiDone = seconds(replaceStart);
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> converged(view, 1));
      double replaced = seconds(replaceStart);
      await().atMost(Duration.ofMinutes(1)).until(runtime::idle);
      long replaceWrites = writes(m) - initialWrites;
      report(
          "10%% Pods replaced (%d deletes + %d creates, API calls took %.2f s): converged %.2f s after the first call; writes %d (updated %d), errors %d",
          SERVICES,
          SERVICES,
          apiDone,
          replaced,
          replaceWrites,
          m.count(Result.UPDATED),
          m.count(Result.ERROR));
      reconcileTime(registry);
      memory("after replacement");

      assertThat(initialWrites).isEqualTo(SERVICES);
      assertThat(m.count(Result.ERROR)).isZero();
    }
  }

  private void seed() {
    for (int n = 0; n < NAMESPACES; n++) {
      String ns = "bench-" + n;
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
        client
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace(ns)
                    .withName("svc-" + s)
                    .addToAnnotations("endpoints-guard.dev/selector", "app=svc-" + s)
                    .endMetadata()
                    .withNewSpec()
                    .withClusterIP("10.96." + n + "." + s)
                    .withIpFamilies("IPv4")
                    .addNewPort()
                    .withName("web")
                    .withPort(8080)
                    .withProtocol("TCP")
                    .withTargetPort(new IntOrString("http"))
                    .endPort()
                    .endSpec()
                    .build())
            .create();
        for (int p = 0; p < PODS_PER_SERVICE; p++) {
          client
              .resource(
                  pod(
                          ns,
                          "svc-" + s + "-pod-" + p,
                          "10." + (100 + n) + "." + s + "." + (p + 1),
                          Map.of("app", "svc-" + s))
                      .build())
              .create();
        }
      }
    }
  }

  static String replacementIp(int n, int s) {
    return "10." + (100 + n) + "." + s + ".200";
  }

  /**
   * Every Service's Endpoints in the cache hold its 10 Pods; after a replacement round, the new Pod
   * instead of pod-0.
   */
  private static boolean converged(InformerClusterView view, int round) {
    int ok = 0;
    for (Endpoints e : view.endpoints()) {
      if (!ManagedBy.isEndpointsGuard(e) || e.getSubsets() == null || e.getSubsets().size() != 1) {
        continue;
      }
      Set<String> ips = new HashSet<>();
      for (EndpointAddress a : e.getSubsets().get(0).getAddresses()) {
        ips.add(a.getIp());
      }
      String ns = e.getMetadata().getNamespace();
      int n = Integer.parseInt(ns.substring("bench-".length()));
      int s = Integer.parseInt(e.getMetadata().getName().substring("svc-".length()));
      boolean hasNew = ips.contains(replacementIp(n, s));
      boolean hasOld = ips.contains("10." + (100 + n) + "." + s + ".1");
      if (ips.size() == PODS_PER_SERVICE && (round == 0 ? hasOld && !hasNew : hasNew && !hasOld)) {
        ok++;
      }
    }
    return ok == SERVICES;
  }

  private static long writes(ReconcileMetrics m) {
    return m.count(Result.CREATED) + m.count(Result.UPDATED) + m.count(Result.DELETED);
  }

  /**
   * Mean and max time per reconcile (mostly the API call of a write): separates our work from the
   * mock server's.
   */
  private static void reconcileTime(SimpleMeterRegistry registry) {
    var timer = registry.get("endpoints_guard_reconcile_duration").timer();
    report(
        "reconciles so far: %d, mean %.2f ms, max %.1f ms",
        timer.count(),
        timer.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
        timer.max(java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  private static void memory(String when) throws Exception {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    String rss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmRSS:"))
            .map(l -> l.substring("VmRSS:".length()).trim())
            .findFirst()
            .orElse("?");
    report(
        "memory (%s, after System.gc()): heap used %d MiB, process RSS %s (JVM max heap %d MiB)",
        when, heap >> 20, rss, rt.maxMemory() >> 20);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void report(String format, Object... args) {
    System.out.println("[bench] " + String.format(format, args));
  }
}
