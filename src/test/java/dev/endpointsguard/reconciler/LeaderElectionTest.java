package dev.endpointsguard.reconciler;

import static dev.endpointsguard.testing.KubeObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.cluster.InformerClusterView;
import dev.endpointsguard.config.ReconcilerMode;
import dev.endpointsguard.reconciler.ReconcileMetrics.Result;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two reconciler replicas against one CRUD mock API server, each with its own informer caches and
 * metrics, as two pods of the Deployment would be: only the Lease holder writes, and the other
 * takes over when it goes.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

  /**
   * A lease short enough for takeovers to happen within the test's patience, long enough that a
   * renewal delayed by a loaded machine (a CI runner, other builds) does not hand the lease over by
   * itself: the takeovers the tests want come from giving the lease up or from an expired Lease.
   */
  private static final ReconcilerTiming FAST =
      ReconcilerTiming.DEFAULTS.withLease(
          Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofMillis(200));

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String LEASE_NAMESPACE = "endpoints-guard";

  KubernetesClient client;

  private final List<AutoCloseable> started = new ArrayList<>();

  record Replica(ReconcilerRuntime runtime, InformerClusterView view) {
    long writes() {
      var m = runtime.metrics();
      return m.count(Result.CREATED) + m.count(Result.UPDATED) + m.count(Result.DELETED);
    }
  }

  Replica replica(String identity) {
    InformerClusterView view = new InformerClusterView(client);
    view.start();
    ReconcilerRuntime runtime =
        new ReconcilerRuntime(
            client,
            view,
            ReconcilerMode.ANNOTATED,
            LEASE_NAMESPACE,
            identity,
            FAST,
            new SimpleMeterRegistry());
    runtime.start();
    started.add(view);
    started.add(runtime);
    return new Replica(runtime, view);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  void seed(String ns, int pods) {
    client.resource(EndpointsReconcilerTest.annotated(ns, "web", "app=nginx")).create();
    for (int i = 1; i <= pods; i++) {
      client
          .resource(pod(ns, "nginx-" + i, "10.244.7." + i, Map.of("app", "nginx")).build())
          .create();
    }
  }

  List<String> ips(String ns) {
    return Optional.ofNullable(client.endpoints().inNamespace(ns).withName("web").get())
        .map(
            e ->
                e.getSubsets().stream()
                    .flatMap(s -> s.getAddresses().stream())
                    .map(EndpointAddress::getIp)
                    .sorted()
                    .toList())
        .orElse(List.of());
  }

  @Test
  void onlyTheLeaderWritesAndTheOtherTakesOver() {
    Replica a = replica("replica-a");
    await().atMost(WAIT).until(a.runtime()::leading);
    Replica b = replica("replica-b");
    await().atMost(WAIT).until(() -> b.view().synced());

    seed("team", 3);
    await().atMost(WAIT).until(() -> ips("team").size() == 3);
    await().atMost(WAIT).until(() -> a.runtime().idle() && a.writes() > 0);
    long writesOfA = a.writes(); // one create, plus an update per Pod that arrived after it
    assertThat(writesOfA).isPositive();
    assertThat(b.writes()).isZero();
    assertThat(b.runtime().leading()).isFalse();

    a.runtime().close(); // gives the lease up
    await().atMost(WAIT).until(b.runtime()::leading);
    assertThat(a.runtime().leading()).isFalse();
    client.pods().inNamespace("team").withName("nginx-1").delete();
    await().atMost(WAIT).until(() -> ips("team").size() == 2);
    // the write is counted once the API call has returned, a moment after the server stored it
    await().atMost(WAIT).until(() -> b.runtime().idle() && b.writes() > 0);
    assertThat(b.writes()).isEqualTo(1);
    assertThat(a.writes()).isEqualTo(writesOfA);
  }

  @Test
  void losingTheLeaseStopsWritesAtOnce() {
    Replica a = replica("replica-a");
    await().atMost(WAIT).until(a.runtime()::leading);

    // another holder takes the lease (e.g. after a network partition healed on its side); the
    // replica renews
    // every 200 ms, so the edit may meet a conflict and is retried on the fresh Lease, as a real
    // contender would
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () -> {
              client
                  .resources(Lease.class)
                  .inNamespace(LEASE_NAMESPACE)
                  .withName(Leadership.LEASE_NAME)
                  .edit(
                      l ->
                          new LeaseBuilder(l)
                              .editSpec()
                              .withHolderIdentity("intruder")
                              .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                              .withLeaseDurationSeconds(60)
                              .endSpec()
                              .build());
              return true;
            });
    await().atMost(WAIT).until(() -> !a.runtime().leading());

    seed("quiet", 2);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> client.endpoints().inNamespace("quiet").withName("web").get() == null);
    assertThat(a.writes()).isZero();
  }

  @Test
  void aLeaseOfAVanishedLeaderIsTakenOverOnceExpired() {
    // a replica that was killed without giving the lease up: its last renewal stands until it
    // expires
    ZonedDateTime renewed = ZonedDateTime.now(ZoneOffset.UTC);
    client
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withNamespace(LEASE_NAMESPACE)
                .withName(Leadership.LEASE_NAME)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("killed-replica")
                .withAcquireTime(renewed)
                .withRenewTime(renewed)
                .withLeaseDurationSeconds(2)
                .withLeaseTransitions(0)
                .endSpec()
                .build())
        .create();
    Replica b = replica("replica-b");
    seed("expired", 1);

    await().atMost(WAIT).until(b.runtime()::leading);
    assertThat(Duration.between(renewed, ZonedDateTime.now(ZoneOffset.UTC)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    await().atMost(WAIT).until(() -> ips("expired").size() == 1);
    await().atMost(WAIT).until(() -> b.writes() > 0);
    Endpoints written = client.endpoints().inNamespace("expired").withName("web").get();
    assertThat(written.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "endpoints-guard");
  }
}
