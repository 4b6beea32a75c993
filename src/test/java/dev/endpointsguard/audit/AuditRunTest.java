package dev.endpointsguard.audit;

import static dev.endpointsguard.testing.KubeObjects.endpoints;
import static dev.endpointsguard.testing.KubeObjects.running;
import static dev.endpointsguard.testing.KubeObjects.selectorless;
import static dev.endpointsguard.testing.KubeObjects.withSelector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.Slices;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.RuleId;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One audit pass over an in-memory view: what is judged, how, and what is left out. */
class AuditRunTest {

  final AuditRun run = AuditRun.withoutPauses();

  static Endpoints stored(String namespace, String name, String... ips) {
    return new EndpointsBuilder(endpoints(namespace, name, ips))
        .editMetadata()
        .withUid(namespace + "-" + name + "-uid")
        .withResourceVersion("7")
        .endMetadata()
        .build();
  }

  @Test
  void anAddressThatAPodOfAnotherNamespaceTakesLaterIsReportedByTheNextRun() {
    InMemoryClusterView view =
        InMemoryClusterView.of(
            selectorless("shop", "legacy", "10.96.0.40").build(),
            stored("shop", "legacy", "10.244.3.7"));
    assertThat(run.evaluate(view, TestSettings.defaults()).violations()).isEmpty();

    view.put(running("payments", "api-0", "10.244.3.7"));
    AuditRun.Result result = run.evaluate(view, TestSettings.defaults());

    assertThat(result.audited()).isEqualTo(1);
    assertThat(result.violations()).hasSize(1);
    Violation v = result.violations().get(0);
    assertThat(v.ruleId()).isEqualTo("ip-foreign-pod");
    assertThat(v.action()).isEqualTo(RuleAction.DENY);
    assertThat(v.finding().field()).isEqualTo("subsets[0].addresses[0].ip");
    assertThat(v.kind()).isEqualTo("Endpoints");
    assertThat(v.apiVersion()).isEqualTo("v1");
    assertThat(v.uid()).isEqualTo("shop-legacy-uid");
    assertThat(v.resourceVersion()).isEqualTo("7");
    assertThat(v.logLine())
        .startsWith("Endpoints shop/legacy: deny [ip-foreign-pod] subsets[0].addresses[0].ip: ");
  }

  @Test
  void theConfiguredActionsApply() {
    InMemoryClusterView view =
        InMemoryClusterView.of(
            selectorless("shop", "legacy", "10.96.0.40").build(),
            stored("shop", "legacy", "10.244.3.7"),
            running("payments", "api-0", "10.244.3.7"));
    var warn = TestSettings.defaults().withAction(RuleId.IP_FOREIGN_POD, RuleAction.WARN);
    assertThat(run.evaluate(view, warn).violations())
        .extracting(Violation::action)
        .containsExactly(RuleAction.WARN);
    var off = TestSettings.defaults().withAction(RuleId.IP_FOREIGN_POD, RuleAction.OFF);
    assertThat(run.evaluate(view, off).violations()).isEmpty();
  }

  @Test
  void objectsThatAdmissionSkipsOrAControllerOwnsAreNotAudited() {
    Endpoints apiServer = stored("default", "kubernetes", "127.0.0.1");
    Endpoints leaderLock =
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace("kube-system")
            .withName("kube-scheduler")
            .addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{}")
            .endMetadata()
            .build();
    Endpoints ours =
        new EndpointsBuilder(stored("shop", "managed", "127.0.0.1"))
            .editMetadata()
            .addToLabels(ManagedBy.LABEL, ManagedBy.VALUE)
            .endMetadata()
            .build();
    Endpoints ofSelectorService = stored("shop", "web", "127.0.0.1");
    InMemoryClusterView view =
        InMemoryClusterView.of(
            apiServer,
            leaderLock,
            ours,
            selectorless("shop", "managed", "10.96.0.41").build(),
            withSelector("shop", "web", "10.96.0.42", Map.of("app", "web")).build(),
            ofSelectorService);

    AuditRun.Result result = run.evaluate(view, TestSettings.defaults());
    assertThat(result.violations()).isEmpty();
    assertThat(result.audited()).isZero();
    assertThat(result.objects()).hasSize(4);
  }

  @Test
  void aLeaderAnnotationWithSubsetsIsAudited() {
    Endpoints lockWithAddresses =
        new EndpointsBuilder(stored("shop", "lock", "127.0.0.1"))
            .editMetadata()
            .addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{}")
            .endMetadata()
            .build();
    InMemoryClusterView view =
        InMemoryClusterView.of(
            selectorless("shop", "lock", "10.96.0.43").build(), lockWithAddresses);

    // The rules themselves may still skip it; the audit hands it over as admission would.
    AuditRun.Result result = run.evaluate(view, TestSettings.defaults());
    assertThat(result.audited()).isEqualTo(1);
  }

  @Test
  void writerRulesAreDroppedWhateverTheValidatorSays() {
    AuditedKind<Endpoints> kind =
        new AuditedKind<>(
            "Endpoints",
            "v1",
            v -> v.endpoints(),
            (e, v) -> true,
            (request, cluster, settings) ->
                List.of(
                    Finding.whole(RuleId.MANAGED_ENDPOINTS_EDITED, "someone edited it"),
                    Finding.whole(RuleId.SUBSETS_EMPTY, "no backends")));
    InMemoryClusterView view = InMemoryClusterView.of(stored("shop", "a"));

    var result = new AuditRun(List.of(kind), () -> {}).evaluate(view, TestSettings.defaults());
    assertThat(result.violations()).extracting(Violation::ruleId).containsExactly("subsets-empty");
  }

  @Test
  void anObjectTheRulesCannotJudgeDoesNotHideTheOthers() {
    AtomicInteger calls = new AtomicInteger();
    AuditedKind<Endpoints> kind =
        new AuditedKind<>(
            "Endpoints",
            "v1",
            v -> v.endpoints(),
            (e, v) -> true,
            (request, cluster, settings) -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
              }
              return List.of(Finding.whole(RuleId.SUBSETS_EMPTY, "no backends"));
            });
    InMemoryClusterView view = InMemoryClusterView.of(stored("shop", "a"), stored("shop", "b"));

    var result = new AuditRun(List.of(kind), () -> {}).evaluate(view, TestSettings.defaults());
    assertThat(result.violations()).hasSize(1);
    assertThat(result.audited()).isEqualTo(2);
  }

  @Test
  void itPausesAfterEachBatch() {
    List<HasMetadata> objects = new ArrayList<>();
    for (int i = 0; i < 2 * AuditRun.BATCH_SIZE + 1; i++) {
      objects.add(selectorless("ns", "s" + i, "10.96.1.1").build());
      objects.add(stored("ns", "s" + i, "10.0.0.1"));
    }
    InMemoryClusterView view = InMemoryClusterView.of(objects);
    AtomicInteger pauses = new AtomicInteger();

    new AuditRun(AuditedKinds.ALL, pauses::incrementAndGet).evaluate(view, TestSettings.defaults());
    assertThat(pauses).hasValue(2);
  }

  @Test
  void controllerSlicesAreRecognised() {
    var slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName("web-abc")
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
            .endMetadata()
            .build();
    assertThat(Slices.isControllerSlice(slice)).isTrue();
    slice.getMetadata().getLabels().put("endpointslice.kubernetes.io/managed-by", "me");
    assertThat(Slices.isControllerSlice(slice)).isFalse();
  }

  @Test
  void handWrittenSlicesAreAuditedButNotControllerOrApiServerSlices() {
    var handWritten =
        dev.endpointsguard.testing.KubeObjects.slice("shop", "web-1", "web", 80, "10.244.9.9")
            .build();
    var controller =
        new EndpointSliceBuilder(handWritten)
            .editMetadata()
            .withName("web-abc")
            .addToLabels(
                "endpointslice.kubernetes.io/managed-by",
                "endpointslicemirroring-controller.k8s.io")
            .endMetadata()
            .build();
    var apiServers =
        dev.endpointsguard.testing.KubeObjects.slice(
                "default", "kubernetes", "kubernetes", 6443, "10.244.9.9")
            .build();
    InMemoryClusterView view =
        InMemoryClusterView.of(
            selectorless("shop", "web", "10.96.7.7").build(),
            selectorless("default", "kubernetes", "10.96.0.1").build(),
            running("other", "db", "10.244.9.9"),
            handWritten,
            controller,
            apiServers);

    var result =
        new AuditRun(List.of(AuditedKinds.ENDPOINT_SLICES), () -> {})
            .evaluate(view, TestSettings.defaults());

    assertThat(result.audited()).isEqualTo(1);
    assertThat(result.violations())
        .extracting(Violation::logLine)
        .singleElement()
        .asString()
        .startsWith(
            "EndpointSlice shop/web-1: deny [ip-foreign-pod] endpoints[0].addresses[0]: 10.244.9.9");
  }
}
