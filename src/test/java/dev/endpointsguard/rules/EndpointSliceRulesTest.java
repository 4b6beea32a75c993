package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EndpointSliceRulesTest {

  private static final String USER = "alice";

  private final EndpointSliceRules rules = new EndpointSliceRules();

  /** Selectorless {@code default/harbor}, one unnamed TCP port 80, IPv4. */
  private static Service harbor() {
    return KubeObjects.selectorless("default", "harbor", "10.96.200.20").build();
  }

  private static EndpointSliceBuilder slice(String... ips) {
    return KubeObjects.slice("default", "harbor-1", "harbor", 80, ips);
  }

  private List<Finding> create(EndpointSlice slice, HasMetadata... cluster) {
    return rules.validate(
        AdmissionRequest.create("default", slice.getMetadata().getName(), USER, slice),
        InMemoryClusterView.of(cluster),
        TestSettings.defaults());
  }

  private List<Finding> update(EndpointSlice slice, EndpointSlice old, HasMetadata... cluster) {
    return UpdateScope.ENDPOINT_SLICES
        .around(rules)
        .validate(
            AdmissionRequest.update("default", slice.getMetadata().getName(), USER, slice, old),
            InMemoryClusterView.of(cluster),
            TestSettings.defaults());
  }

  private static List<RuleId> ids(List<Finding> findings) {
    return findings.stream().map(Finding::rule).toList();
  }

  private static List<String> rendered(List<Finding> findings) {
    return findings.stream().map(Finding::render).toList();
  }

  @Test
  void aWellFormedIpv4SliceIsClean() {
    assertThat(create(slice("10.0.0.250").build(), harbor())).isEmpty();
  }

  @Test
  void aWellFormedIpv6SliceOfAnIpv6ServiceIsClean() {
    Service v6 =
        new ServiceBuilder(harbor())
            .editSpec()
            .withClusterIP("fd00::20")
            .withClusterIPs("fd00::20")
            .withIpFamilies("IPv6")
            .endSpec()
            .build();
    assertThat(create(slice("fd00:1::5").withAddressType("IPv6").build(), v6)).isEmpty();
  }

  @Nested
  class Labels {

    @Test
    void warnsWithoutTheServiceNameLabelAndSkipsTheServiceRules() {
      EndpointSlice unlabelled =
          slice("10.0.0.250")
              .editMetadata()
              .removeFromLabels(WellKnown.SERVICE_NAME_LABEL)
              .endMetadata()
              .build();
      List<Finding> findings = create(unlabelled, harbor());
      assertThat(ids(findings)).containsExactly(RuleId.SLICE_SERVICE_LABEL_MISSING);
      assertThat(findings.get(0).field()).isEqualTo("metadata.labels");
    }

    @Test
    void deniesASliceForAMissingServiceWithDidYouMean() {
      EndpointSlice typo =
          KubeObjects.slice("default", "harbor-1", "harbour", 80, "10.0.0.250").build();
      List<Finding> findings = create(typo, harbor());
      assertThat(ids(findings)).containsExactly(RuleId.SERVICE_MISSING);
      assertThat(findings.get(0).text())
          .isEqualTo(
              "no Service \"default/harbour\" exists, so nothing routes to this EndpointSlice;"
                  + " did you mean Service \"default/harbor\"?");
    }

    @Test
    void explainsTheApplyOrderNamingEndpointSliceWhenNoServiceIsNear() {
      List<Finding> findings = create(slice("10.0.0.250").build());
      assertThat(ids(findings)).containsExactly(RuleId.SERVICE_MISSING);
      assertThat(findings.get(0).text()).contains("list it before the EndpointSlice");
    }

    @Test
    void warnsWhenTheServiceHasASelector() {
      Service selected =
          KubeObjects.withSelector("default", "harbor", "10.96.200.20", Map.of("app", "x"))
              .editSpec()
              .withPorts(new ServicePortBuilder().withPort(80).withProtocol("TCP").build())
              .endSpec()
              .build();
      List<Finding> findings = create(slice("10.0.0.250").build(), selected);
      assertThat(ids(findings)).containsExactly(RuleId.SLICE_SELECTOR_SERVICE);
      assertThat(findings.get(0).text()).contains("to these endpoints and to the Pods");
    }

    @Test
    void warnsForAnExternalNameService() {
      Service external =
          new ServiceBuilder(harbor())
              .editSpec()
              .withType("ExternalName")
              .withExternalName("example.com")
              .endSpec()
              .build();
      assertThat(ids(create(slice("10.0.0.250").build(), external)))
          .containsExactly(RuleId.SERVICE_EXTERNAL_NAME);
    }
  }

  @Nested
  class ManagedBy {

    private EndpointSlice spoofed(String manager, String... ips) {
      return slice(ips)
          .editMetadata()
          .addToLabels(WellKnown.SLICE_MANAGED_BY_LABEL, manager)
          .endMetadata()
          .build();
    }

    @Test
    void deniesAForgedControllerSliceOnCreate() {
      for (String manager : WellKnown.CONTROLLER_SLICE_MANAGERS) {
        List<Finding> findings = create(spoofed(manager, "10.0.0.250"), harbor());
        assertThat(ids(findings)).containsExactly(RuleId.SLICE_MANAGED_BY_CONTROLLER);
        assertThat(findings.get(0).action(TestSettings.defaults())).isEqualTo(RuleAction.DENY);
      }
    }

    @Test
    void deniesAnUpdateThatSetsTheControllerValue() {
      EndpointSlice old = slice("10.0.0.250").build();
      assertThat(
              ids(update(spoofed("endpointslice-controller.k8s.io", "10.0.0.250"), old, harbor())))
          .containsExactly(RuleId.SLICE_MANAGED_BY_CONTROLLER);
    }

    @Test
    void deniesAnUpdateThatChangesTheEndpointsOfAControllerSlice() {
      EndpointSlice old = spoofed("endpointslice-controller.k8s.io", "10.0.0.250");
      EndpointSlice changed = spoofed("endpointslice-controller.k8s.io", "10.0.0.251");
      List<Finding> findings = update(changed, old, harbor());
      assertThat(ids(findings)).containsExactly(RuleId.SLICE_MANAGED_BY_CONTROLLER);
      assertThat(findings.get(0).field()).isEqualTo("endpoints");
    }

    @Test
    void allowsAMetadataOnlyUpdateOfAControllerSlice() {
      EndpointSlice old = spoofed("endpointslice-controller.k8s.io", "10.0.0.250");
      EndpointSlice annotated =
          new EndpointSliceBuilder(old)
              .editMetadata()
              .addToAnnotations("note", "x")
              .endMetadata()
              .build();
      assertThat(update(annotated, old, harbor())).isEmpty();
    }

    @Test
    void aSliceWithoutAnyManagedByLabelIsJudgedNormally() {
      EndpointSlice unmanaged =
          slice("10.0.0.250")
              .editMetadata()
              .removeFromLabels(WellKnown.SLICE_MANAGED_BY_LABEL)
              .endMetadata()
              .build();
      assertThat(create(unmanaged, harbor())).isEmpty();
      assertThat(update(unmanaged, unmanaged, harbor())).isEmpty();
    }

    @Test
    void isSilentForOwnManagedByValues() {
      assertThat(create(spoofed("cluster-admins", "10.0.0.250"), harbor())).isEmpty();
    }
  }

  @Nested
  class AddressTypes {

    @Test
    void warnsAboutFqdnAndSkipsEverythingElse() {
      EndpointSlice fqdn =
          KubeObjects.slice("default", "harbor-1", "nowhere", 80, "example.com")
              .withAddressType("FQDN")
              .build();
      List<Finding> findings = create(fqdn);
      assertThat(ids(findings)).containsExactly(RuleId.SLICE_FQDN);
      assertThat(findings.get(0).field()).isEqualTo("addressType");
    }

    @Test
    void warnsOnceWhenTheAddressTypeIsNotAmongTheServiceFamilies() {
      List<Finding> findings =
          create(slice("fd00::1", "fd00::2").withAddressType("IPv6").build(), harbor());
      assertThat(ids(findings)).containsExactly(RuleId.IP_FAMILY_MISMATCH);
      assertThat(findings.get(0).field()).isEqualTo("addressType");
    }

    @Test
    void isSilentWhenTheServiceListsNoFamilies() {
      Service noFamilies =
          new ServiceBuilder(harbor()).editSpec().withIpFamilies().endSpec().build();
      assertThat(create(slice("fd00::1").withAddressType("IPv6").build(), noFamilies)).isEmpty();
    }
  }

  @Nested
  class Addresses {

    @Test
    void deniesAnotherNamespacesPodWithTheSlicePath() {
      List<Finding> findings =
          create(
              slice("10.0.0.250", "10.244.1.7").build(),
              harbor(),
              KubeObjects.running("payments", "db-0", "10.244.1.7"));
      assertThat(rendered(findings))
          .singleElement()
          .asString()
          .startsWith(
              "[ip-foreign-pod] endpoints[1].addresses[0]: 10.244.1.7 belongs to Pod"
                  + " \"payments/db-0\"");
    }

    @Test
    void allowsTheNamespacesOwnPod() {
      assertThat(
              create(
                  slice("10.244.1.7").build(),
                  harbor(),
                  KubeObjects.running("default", "web-0", "10.244.1.7")))
          .isEmpty();
    }

    @Test
    void deniesAClusterIpAndAnInvalidAddress() {
      List<Finding> findings = create(slice("10.96.200.20", "10.0.0.0256").build(), harbor());
      assertThat(ids(findings)).contains(RuleId.IP_CLUSTER_IP, RuleId.IP_INVALID);
      assertThat(findings.stream().map(Finding::field))
          .contains("endpoints[0].addresses[0]", "endpoints[1].addresses[0]");
    }

    @Test
    void warnsAboutTheSameIpSpelledTwice() {
      EndpointSlice twice =
          new EndpointSliceBuilder(slice("fd00::1").withAddressType("IPv6").build())
              .addNewEndpoint()
              .withAddresses("fd00:0:0::1")
              .endEndpoint()
              .build();
      Service v6 = new ServiceBuilder(harbor()).editSpec().withIpFamilies("IPv6").endSpec().build();
      List<Finding> findings = create(twice, v6);
      assertThat(rendered(findings))
          .containsExactly(
              "[address-duplicate] endpoints[1].addresses[0]: fd00::1 already appears at"
                  + " endpoints[0].addresses[0]; remove the duplicate");
    }

    @Test
    void deniesATargetRefToAMissingPodButNotToTheRightOne() {
      EndpointSlice withRefs =
          new EndpointSliceBuilder()
              .withMetadata(slice().build().getMetadata())
              .withAddressType("IPv4")
              .addNewEndpoint()
              .withAddresses("10.244.1.7")
              .withNewTargetRef()
              .withKind("Pod")
              .withName("web-0")
              .endTargetRef()
              .endEndpoint()
              .addNewEndpoint()
              .withAddresses("10.244.1.8")
              .withNewTargetRef()
              .withKind("Pod")
              .withName("web-9")
              .endTargetRef()
              .endEndpoint()
              .addNewPort()
              .withPort(80)
              .endPort()
              .build();
      List<Finding> findings =
          create(withRefs, harbor(), KubeObjects.running("default", "web-0", "10.244.1.7"));
      assertThat(ids(findings)).containsExactly(RuleId.TARGET_REF_INVALID);
      assertThat(findings.get(0).field()).isEqualTo("endpoints[1].targetRef");
    }
  }

  @Nested
  class Ports {

    private Service named() {
      return new ServiceBuilder(harbor())
          .editSpec()
          .withPorts(
              new ServicePortBuilder().withName("http").withPort(80).withProtocol("TCP").build(),
              new ServicePortBuilder().withName("https").withPort(443).withProtocol("TCP").build())
          .endSpec()
          .build();
    }

    @Test
    void anUnnamedSlicePortPairsWithTheUnnamedServicePort() {
      assertThat(create(slice("10.0.0.250").build(), harbor())).isEmpty();
    }

    @Test
    void deniesAnUnnamedPortAgainstNamedServicePorts() {
      List<Finding> findings = create(slice("10.0.0.250").build(), named());
      assertThat(ids(findings))
          .containsExactly(
              RuleId.PORT_UNMATCHED, RuleId.SERVICE_PORT_UNCOVERED, RuleId.SERVICE_PORT_UNCOVERED);
      assertThat(findings.get(0).field()).isEqualTo("ports[0]");
      assertThat(findings.get(0).text()).contains("the Service calls port 80 \"http\"");
    }

    @Test
    void countsThePortsOfOtherSlicesOfTheServiceButNotItsOwnStoredCopy() {
      EndpointSlice http =
          KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.250")
              .editFirstPort()
              .withName("http")
              .endPort()
              .build();
      EndpointSlice https =
          KubeObjects.slice("default", "harbor-2", "harbor", 443, "10.0.0.251")
              .editFirstPort()
              .withName("https")
              .endPort()
              .build();
      assertThat(create(http, named(), https)).isEmpty();
      EndpointSlice storedHttpsAsOwn =
          new EndpointSliceBuilder(https).editMetadata().withName("harbor-1").endMetadata().build();
      assertThat(ids(create(http, named(), storedHttpsAsOwn)))
          .containsExactly(RuleId.SERVICE_PORT_UNCOVERED);
    }
  }

  @Nested
  class Readiness {

    @Test
    void warnsWhenNoEndpointIsReady() {
      EndpointSlice notReady =
          slice("10.0.0.250")
              .editFirstEndpoint()
              .withNewConditions()
              .withReady(false)
              .endConditions()
              .endEndpoint()
              .build();
      List<Finding> findings = create(notReady, harbor());
      assertThat(ids(findings)).containsExactly(RuleId.SUBSETS_EMPTY);
      assertThat(findings.get(0).field()).isEqualTo("endpoints");
    }

    @Test
    void anAbsentReadyConditionCountsAsReady() {
      EndpointSlice absent =
          slice("10.0.0.250")
              .editFirstEndpoint()
              .withNewConditions()
              .withServing(true)
              .endConditions()
              .endEndpoint()
              .build();
      assertThat(create(absent, harbor())).isEmpty();
    }

    @Test
    void warnsForASliceWithoutEndpoints() {
      assertThat(ids(create(slice().build(), harbor()))).containsExactly(RuleId.SUBSETS_EMPTY);
    }
  }

  @Nested
  class Updates {

    @Test
    void aMetadataOnlyUpdateOfANowForeignAddressPasses() {
      EndpointSlice old = slice("10.244.1.7").build();
      EndpointSlice labelled =
          new EndpointSliceBuilder(old)
              .editMetadata()
              .addToLabels("team", "a")
              .endMetadata()
              .build();
      HasMetadata[] cluster = {harbor(), KubeObjects.running("payments", "db-0", "10.244.1.7")};
      assertThat(update(labelled, old, cluster)).isEmpty();
      assertThat(ids(update(slice("10.244.1.7", "10.0.0.9").build(), old, cluster)))
          .containsExactly(RuleId.IP_FOREIGN_POD);
    }

    @Test
    void aLegacyInvalidSpellingThatStaysIsAtMostAWarning() {
      EndpointSlice old = slice("010.0.0.1").build();
      List<Finding> findings = update(slice("010.0.0.1", "10.0.0.2").build(), old, harbor());
      assertThat(ids(findings)).containsExactly(RuleId.IP_INVALID);
      assertThat(findings.get(0).action(TestSettings.defaults())).isEqualTo(RuleAction.WARN);
    }
  }
}
