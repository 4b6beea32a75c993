package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.testing.KubeObjects;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an UPDATE is judged on (docs/contract.md#update-semantics), on hand-made findings. */
class UpdateScopeTest {

  final UpdateScope<Endpoints> scope = UpdateScope.ENDPOINTS;
  final Endpoints stored = KubeObjects.endpoints("ns", "svc", "010.0.0.1", "10.0.0.2");

  static AdmissionRequest<Endpoints> update(Endpoints object, Endpoints old) {
    return AdmissionRequest.update("ns", "svc", "alice", object, old);
  }

  static List<Finding> everyKind() {
    return List.of(
        Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[0].ip", "leading zero"),
        Finding.of(RuleId.IP_FOREIGN_POD, "subsets[0].addresses[1].ip", "foreign"),
        Finding.whole(RuleId.SERVICE_MISSING, "gone"),
        Finding.of(RuleId.NOT_MIRRORED, "metadata.labels", "skip-mirror"),
        Finding.of(RuleId.MANAGED_ENDPOINTS_EDITED, "metadata.labels", "managed"));
  }

  @Test
  void metadataOnlyChangesKeepOnlyWriterRulesAndNotMirrored() {
    Endpoints labelled =
        new EndpointsBuilder(stored)
            .editMetadata()
            .addToLabels("team", "a")
            .addToAnnotations("note", "x")
            .addToFinalizers("example.com/keep")
            .withDeletionTimestamp("2024-01-01T00:00:00Z")
            .withResourceVersion("42")
            .endMetadata()
            .build();
    assertThat(scope.scope(update(labelled, stored), everyKind()))
        .extracting(Finding::rule)
        .containsExactly(RuleId.NOT_MIRRORED, RuleId.MANAGED_ENDPOINTS_EDITED);
    assertThat(UpdateScope.WRITER_RULES).contains(RuleId.MANAGED_ENDPOINTS_EDITED);
    assertThat(ManagedBy.LABEL).isNotIn(RoutingParts.ENDPOINTS_LABELS);
  }

  @Test
  void nullAndEmptyListsAreTheSame() {
    Endpoints withNulls =
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("svc")
            .endMetadata()
            .withSubsets(new EndpointSubsetBuilder().build())
            .build();
    Endpoints withEmpty =
        new EndpointsBuilder(withNulls)
            .withSubsets(
                new EndpointSubsetBuilder()
                    .withAddresses(List.of())
                    .withNotReadyAddresses(List.of())
                    .withPorts(List.of())
                    .build())
            .editMetadata()
            .withLabels(Map.of())
            .endMetadata()
            .build();
    assertThat(RoutingParts.endpoints(withNulls)).isEqualTo(RoutingParts.endpoints(withEmpty));
    Endpoints noSubsets = new EndpointsBuilder(withNulls).withSubsets((List) null).build();
    Endpoints emptySubsets = new EndpointsBuilder(withNulls).withSubsets(List.of()).build();
    assertThat(RoutingParts.endpoints(noSubsets)).isEqualTo(RoutingParts.endpoints(emptySubsets));
  }

  @Test
  void theRoutingLabelsAndTheLeaderAnnotationAreRoutingRelevant() {
    for (String label : RoutingParts.ENDPOINTS_LABELS) {
      Endpoints labelled =
          new EndpointsBuilder(stored)
              .editMetadata()
              .addToLabels(label, "true")
              .endMetadata()
              .build();
      assertThat(scope.scope(update(stored, labelled), everyKind())).hasSize(5);
    }
    Endpoints lock =
        new EndpointsBuilder(stored)
            .editMetadata()
            .addToAnnotations(WellKnown.LEADER_ANNOTATION, "{}")
            .endMetadata()
            .build();
    assertThat(scope.scope(update(lock, stored), everyKind())).hasSize(5);
  }

  @Test
  void changedSubsetsAreJudgedInFullWithInvalidOldSpellingsAsWarnings() {
    Endpoints edited =
        new EndpointsBuilder(stored)
            .editFirstSubset()
            .addNewAddress()
            .withIp("010.0.0.3")
            .endAddress()
            .endSubset()
            .build();
    List<Finding> findings =
        List.of(
            Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[0].ip", "old spelling"),
            Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[2].ip", "new spelling"),
            Finding.of(RuleId.IP_RESERVED, "subsets[0].addresses[0].ip", "reserved"),
            Finding.whole(RuleId.SERVICE_MISSING, "gone"));
    List<Finding> scoped = scope.scope(update(edited, stored), findings);
    assertThat(scoped).hasSize(4);
    assertThat(scoped.get(0).atMostWarn()).isTrue();
    assertThat(scoped.subList(1, 4)).noneMatch(Finding::atMostWarn);
  }

  @Test
  void anOldSpellingCountsWhereverItWasStored() {
    Endpoints moved =
        new EndpointsBuilder(KubeObjects.endpoints("ns", "svc", "10.0.0.9"))
            .editFirstSubset()
            .addNewNotReadyAddress()
            .withIp("010.0.0.1")
            .endNotReadyAddress()
            .endSubset()
            .build();
    List<Finding> scoped =
        scope.scope(
            update(moved, stored),
            List.of(Finding.of(RuleId.IP_INVALID, "subsets[0].notReadyAddresses[0].ip", "moved")));
    assertThat(scoped.get(0).atMostWarn()).isTrue();
    // the same address in another spelling is a new string: judged as written
    Endpoints respelled = KubeObjects.endpoints("ns", "svc", "10.00.0.1");
    assertThat(
            scope.scope(
                update(respelled, stored),
                List.of(Finding.of(RuleId.IP_INVALID, "subsets[0].addresses[0].ip", "x"))))
        .noneMatch(Finding::atMostWarn);
  }

  @Test
  void createsAndUpdatesWithoutOldObjectAreJudgedInFull() {
    assertThat(scope.scope(AdmissionRequest.create("ns", "svc", "alice", stored), everyKind()))
        .isEqualTo(everyKind());
    assertThat(scope.scope(update(stored, null), everyKind())).isEqualTo(everyKind());
  }
}
