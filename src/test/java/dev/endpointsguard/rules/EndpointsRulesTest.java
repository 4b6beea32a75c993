package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.kube.CidrList;
import dev.endpointsguard.kube.ManagedBy;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Endpoints rule (docs/contract.md#endpoints-rules): a case where it fires and one where it
 * must not.
 */
class EndpointsRulesTest {

  static final String NS = "default";
  static final Service HARBOR = KubeObjects.selectorless(NS, "harbor", "10.96.200.20").build();

  final EndpointsRules rules = new EndpointsRules();
  Settings settings = TestSettings.defaults();
  List<HasMetadata> cluster = new ArrayList<>(List.of(HARBOR));

  List<Finding> check(Endpoints endpoints) {
    return check(endpoints, "alice");
  }

  List<Finding> check(Endpoints endpoints, String user) {
    var request = AdmissionRequest.create(NS, endpoints.getMetadata().getName(), user, endpoints);
    return rules.validate(request, InMemoryClusterView.of(cluster), settings);
  }

  static List<RuleId> ids(List<Finding> findings) {
    return findings.stream().map(Finding::rule).toList();
  }

  static Endpoints harbor(String... ips) {
    return KubeObjects.endpoints(NS, "harbor", ips);
  }

  @Test
  void seedHarborEndpointsHaveNoFindings() {
    assertThat(check(harbor("10.0.0.250"))).isEmpty();
  }

  @Nested
  class Skips {

    @Test
    void anUntrustedWriteOfTheApiServersOwnEndpointsIsDenied() {
      assertThat(
              ids(check(KubeObjects.endpoints("default", "kubernetes", 6443, "10.0.0.1").build())))
          .contains(RuleId.APISERVER_ENDPOINTS);
    }

    @Test
    void theLeaderElectionAnnotationExemptsOnlyLocksWithoutSubsets() {
      Endpoints disguised =
          new EndpointsBuilder(harbor("127.0.0.1"))
              .editMetadata()
              .addToAnnotations(WellKnown.LEADER_ANNOTATION, "{}")
              .endMetadata()
              .build();
      assertThat(ids(check(disguised))).containsExactly(RuleId.IP_RESERVED);
    }

    @Test
    void leaderElectionLocksPass() {
      Endpoints lock =
          new EndpointsBuilder()
              .withNewMetadata()
              .withNamespace(NS)
              .withName("my-operator-lock")
              .addToAnnotations(WellKnown.LEADER_ANNOTATION, "{\"holderIdentity\":\"a\"}")
              .endMetadata()
              .build();
      assertThat(check(lock)).isEmpty();
    }

    @Test
    void anUntrustedWriterIsChecked() {
      assertThat(ids(check(KubeObjects.endpoints(NS, "no-such-service", "10.0.0.1"))))
          .contains(RuleId.SERVICE_MISSING);
    }
  }

  @Nested
  class WhenTheServiceIs {
    @Test
    void serviceMissingFiresForATypoAndSkipsPortMatching() {
      List<Finding> findings = check(KubeObjects.endpoints(NS, "harbour", "10.0.0.250"));
      assertThat(ids(findings)).containsExactly(RuleId.SERVICE_MISSING);
      assertThat(findings.get(0).render())
          .isEqualTo(
              "[service-missing] no Service \"default/harbour\" exists, so nothing routes to these"
                  + " Endpoints; did you mean Service \"default/harbor\"?");
    }

    @Test
    void serviceHasSelectorFiresOnlyWithASelector() {
      cluster.add(KubeObjects.withSelector(NS, "web", "10.96.0.5", Map.of("app", "web")).build());
      Endpoints web =
          new EndpointsBuilder(KubeObjects.endpoints(NS, "web", "10.0.0.9"))
              .editFirstSubset()
              .editFirstPort()
              .withName("clusterip-nginx")
              .endPort()
              .endSubset()
              .build();
      assertThat(ids(check(web))).containsExactly(RuleId.SERVICE_HAS_SELECTOR);
      assertThat(ids(check(harbor("10.0.0.9")))).doesNotContain(RuleId.SERVICE_HAS_SELECTOR);
    }

    @Test
    void serviceExternalNameFires() {
      cluster.add(
          new ServiceBuilder(KubeObjects.selectorless(NS, "ext", null).build())
              .editSpec()
              .withType("ExternalName")
              .withExternalName("example.com")
              .withClusterIP(null)
              .withClusterIPs()
              .endSpec()
              .build());
      assertThat(ids(check(KubeObjects.endpoints(NS, "ext", "10.0.0.9"))))
          .contains(RuleId.SERVICE_EXTERNAL_NAME);
      assertThat(ids(check(harbor("10.0.0.9")))).doesNotContain(RuleId.SERVICE_EXTERNAL_NAME);
    }
  }

  @Nested
  class Addresses {
    @ParameterizedTest
    @ValueSource(
        strings = {"registry.local", "10.0.0.0/24", "010.0.0.1", "::ffff:10.0.0.1", "fe80::1%eth0"})
    void ipInvalidFires(String ip) {
      List<Finding> findings = check(harbor(ip));
      assertThat(ids(findings)).containsExactly(RuleId.IP_INVALID);
      assertThat(findings.get(0).field()).isEqualTo("subsets[0].addresses[0].ip");
      assertThat(findings.get(0).text()).startsWith("\"" + ip + "\" ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:DB8::10", "2001:0db8:0:0:0:0:0:10", "192.168.10.1"})
    void nonCanonicalButValidAddressesAreAccepted(String ip) {
      cluster.set(
          0,
          new ServiceBuilder(HARBOR).editSpec().withIpFamilies("IPv4", "IPv6").endSpec().build());
      assertThat(check(harbor(ip))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0.0.0.0",
          "::",
          "0.1.2.3",
          "127.0.0.1",
          "::1",
          "169.254.169.254",
          "fe80::1",
          "224.0.0.1",
          "239.1.1.1",
          "ff02::1",
          "ff0e::1",
          "240.0.0.1",
          "255.255.255.255",
          "fd00:ec2::254"
        })
    void ipReservedFires(String ip) {
      var findings = check(harbor(ip).toBuilder().editMetadata().endMetadata().build());
      assertThat(ids(findings)).contains(RuleId.IP_RESERVED);
    }

    @Test
    void ipReservedUsesTheConfiguredList() {
      settings =
          settings.withCidrs(
              CidrList.parse(List.of("192.0.2.0/24")), CidrList.empty(), CidrList.empty());
      assertThat(ids(check(harbor("192.0.2.7")))).containsExactly(RuleId.IP_RESERVED);
      assertThat(ids(check(harbor("fd00:ec2::254")))).doesNotContain(RuleId.IP_RESERVED);
      assertThat(check(harbor("10.0.0.250"))).isEmpty();
    }

    @Test
    void ipClusterIpFiresForAnyServicesClusterIp() {
      cluster.add(
          new ServiceBuilder(KubeObjects.selectorless("other", "db", "10.96.0.77").build())
              .editSpec()
              .withClusterIPs("10.96.0.77", "fd00:96::77")
              .withIpFamilies("IPv4", "IPv6")
              .endSpec()
              .build());
      var findings = check(harbor("10.96.0.77"));
      assertThat(ids(findings)).containsExactly(RuleId.IP_CLUSTER_IP);
      assertThat(findings.get(0).text())
          .contains("Service \"other/db\"")
          .contains("CVE-2021-25740");
      assertThat(ids(check(harbor("fd00:96:0::77")))).contains(RuleId.IP_CLUSTER_IP);
      assertThat(ids(check(harbor("10.96.0.78")))).doesNotContain(RuleId.IP_CLUSTER_IP);
    }

    @Test
    void ipForeignPodFiresOnlyForLivePodsOfOtherNamespaces() {
      cluster.add(KubeObjects.running("other", "victim", "10.244.5.5"));
      cluster.add(KubeObjects.running(NS, "mine", "10.244.5.6"));
      cluster.add(
          new PodBuilder(KubeObjects.running("other", "done", "10.244.5.7"))
              .editStatus()
              .withPhase("Succeeded")
              .endStatus()
              .build());
      cluster.add(
          new PodBuilder(KubeObjects.running("other", "failed", "10.244.5.9"))
              .editStatus()
              .withPhase("Failed")
              .endStatus()
              .build());
      cluster.add(
          new PodBuilder(KubeObjects.running("kube-system", "node-agent", "10.0.0.8"))
              .editSpec()
              .withHostNetwork(true)
              .endSpec()
              .build());
      var findings = check(harbor("10.244.5.5"));
      assertThat(ids(findings)).containsExactly(RuleId.IP_FOREIGN_POD);
      assertThat(findings.get(0).text()).contains("Pod \"other/victim\"");
      assertThat(check(harbor("10.244.5.6"))).isEmpty();
      assertThat(check(harbor("10.244.5.7"))).isEmpty();
      assertThat(check(harbor("10.244.5.9"))).isEmpty();
      assertThat(ids(check(harbor("10.0.0.8"))))
          .as("a hostNetwork Pod's IP is its node's")
          .containsExactly(RuleId.IP_NODE);
    }

    @Test
    void ipNodeFiresForNodeAddressesButNotForHostnames() {
      cluster.add(
          new NodeBuilder()
              .withNewMetadata()
              .withName("node-1")
              .endMetadata()
              .withNewStatus()
              .addNewAddress()
              .withType("InternalIP")
              .withAddress("10.0.0.11")
              .endAddress()
              .addNewAddress()
              .withType("ExternalIP")
              .withAddress("198.51.100.20")
              .endAddress()
              .endStatus()
              .build());
      assertThat(ids(check(harbor("10.0.0.11")))).containsExactly(RuleId.IP_NODE);
      assertThat(ids(check(harbor("198.51.100.20")))).containsExactly(RuleId.IP_NODE);
      assertThat(check(harbor("10.0.0.12"))).isEmpty();
    }

    @Test
    void relaxingIpInvalidLeavesTheOtherRulesJudgingTheAddressAsKubernetesReadsIt() {
      cluster.add(KubeObjects.selectorless("kube-system", "kube-dns", "10.96.0.10").build());
      settings = settings.withAction(RuleId.IP_INVALID, RuleAction.WARN);
      var findings = check(harbor("010.096.000.010"));
      assertThat(ids(findings)).containsExactly(RuleId.IP_INVALID, RuleId.IP_CLUSTER_IP);
      assertThat(findings.get(1).text())
          .startsWith("10.96.0.10 (as Kubernetes reads it) is the ClusterIP of Service");
      assertThat(Decision.of(findings, settings).allowed()).isFalse();
      settings = settings.withAction(RuleId.IP_INVALID, RuleAction.OFF);
      assertThat(ids(check(harbor("::ffff:a60:a")))).contains(RuleId.IP_CLUSTER_IP);
    }

    @Test
    void externalAndLoadBalancerIpsAreServiceAddresses() {
      cluster.add(
          new ServiceBuilder(KubeObjects.selectorless("shop", "front", "10.96.7.7").build())
              .editSpec()
              .withExternalIPs("203.0.113.10")
              .endSpec()
              .withNewStatus()
              .withNewLoadBalancer()
              .addNewIngress()
              .withIp("198.51.100.7")
              .endIngress()
              .endLoadBalancer()
              .endStatus()
              .build());
      assertThat(check(harbor("203.0.113.10")).get(0).text()).contains("is an external IP of");
      assertThat(check(harbor("198.51.100.7")).get(0).text())
          .contains("is the load-balancer IP of");
      assertThat(check(harbor("10.96.7.7")).get(0).text()).contains("is the ClusterIP of");
    }

    @Test
    void nat64AddressesAreJudgedByTheirEmbeddedIpv4Address() {
      var findings = check(harbor("64:ff9b::a9fe:a9fe"));
      assertThat(ids(findings)).containsExactly(RuleId.IP_RESERVED, RuleId.IP_FAMILY_MISMATCH);
      assertThat(findings.get(0).text()).contains("embeds the IPv4 address 169.254.169.254");
      assertThat(ids(check(harbor("64:ff9b::808:808"))))
          .as("8.8.8.8 through NAT64")
          .doesNotContain(RuleId.IP_RESERVED);
    }

    @Test
    void ipDeniedCidrFiresForDeniedAndOutsideAllowed() {
      settings =
          settings.withCidrs(
              settings.reservedCidrs(),
              CidrList.parse(List.of("10.96.0.0/12")),
              CidrList.parse(List.of("10.0.0.0/8")));
      var denied = check(harbor("10.100.0.1"));
      assertThat(ids(denied)).containsExactly(RuleId.IP_DENIED_CIDR);
      assertThat(denied.get(0).text()).contains("10.96.0.0/12");
      var outside = check(harbor("192.168.1.1"));
      assertThat(ids(outside)).containsExactly(RuleId.IP_DENIED_CIDR);
      assertThat(outside.get(0).text()).contains("outside the allowed CIDRs");
      assertThat(check(harbor("10.0.0.250"))).isEmpty();
    }

    @Test
    void ipFamilyMismatchFiresOnlyWhenTheServiceListsFamilies() {
      assertThat(ids(check(harbor("2001:db8::5")))).containsExactly(RuleId.IP_FAMILY_MISMATCH);
      cluster.set(0, new ServiceBuilder(HARBOR).editSpec().withIpFamilies().endSpec().build());
      assertThat(check(harbor("2001:db8::5"))).isEmpty();
    }

    @Test
    void addressDuplicateFiresWithinASubsetAndAcrossReadiness() {
      var twice = check(harbor("10.0.0.1", "10.0.0.1"));
      assertThat(ids(twice)).containsExactly(RuleId.ADDRESS_DUPLICATE);
      assertThat(twice.get(0).field()).isEqualTo("subsets[0].addresses[1].ip");
      var sameAfterParsing = check(harbor("2001:db8::1", "2001:DB8:0::1"));
      assertThat(ids(sameAfterParsing)).containsOnlyOnce(RuleId.ADDRESS_DUPLICATE);
      Endpoints both =
          new EndpointsBuilder(harbor("10.0.0.1"))
              .editFirstSubset()
              .addToNotReadyAddresses(new EndpointAddressBuilder().withIp("10.0.0.1").build())
              .endSubset()
              .build();
      var cross = check(both);
      assertThat(ids(cross)).containsExactly(RuleId.ADDRESS_DUPLICATE);
      assertThat(cross.get(0).text()).contains("both as ready");
      assertThat(check(harbor("10.0.0.1", "10.0.0.2"))).isEmpty();
    }

    @Test
    void targetRefInvalidChecksKindNamespaceExistenceAndIp() {
      cluster.add(KubeObjects.running(NS, "backend", "10.244.1.1"));
      cluster.add(KubeObjects.running("other", "elsewhere", "10.244.9.9"));
      assertThat(check(withTargetRef("10.244.1.1", "Pod", NS, "backend"))).isEmpty();
      assertThat(check(withTargetRef("10.244.1.1", "Pod", null, "backend"))).isEmpty();
      assertThat(ids(check(withTargetRef("10.244.1.2", "Pod", NS, "backend"))))
          .containsExactly(RuleId.TARGET_REF_INVALID);
      assertThat(ids(check(withTargetRef("10.244.1.1", "Pod", NS, "ghost"))))
          .containsExactly(RuleId.TARGET_REF_INVALID);
      assertThat(ids(check(withTargetRef("10.244.1.1", "Node", NS, "backend"))))
          .containsExactly(RuleId.TARGET_REF_INVALID);
      assertThat(ids(check(withTargetRef("10.244.9.9", "Pod", "other", "elsewhere"))))
          .contains(RuleId.TARGET_REF_INVALID, RuleId.IP_FOREIGN_POD);
    }

    Endpoints withTargetRef(String ip, String kind, String namespace, String name) {
      return new EndpointsBuilder(harbor())
          .editFirstSubset()
          .addNewAddress()
          .withIp(ip)
          .withNewTargetRef()
          .withKind(kind)
          .withNamespace(namespace)
          .withName(name)
          .endTargetRef()
          .endAddress()
          .endSubset()
          .build();
    }

    @Test
    void overCapacityFiresAbove1000AddressesInASubset() {
      String[] ips =
          IntStream.range(0, 1001)
              .mapToObj(i -> "10.1." + (i / 250) + "." + (i % 250 + 1))
              .toArray(String[]::new);
      assertThat(ids(check(harbor(ips)))).containsExactly(RuleId.OVER_CAPACITY);
      assertThat(check(harbor(java.util.Arrays.copyOf(ips, 1000)))).isEmpty();
    }

    @Test
    void overCapacityCountsTheAddressesThatShareAPortSetAcrossSubsets() {
      String[] first =
          IntStream.range(0, 600)
              .mapToObj(i -> "10.1." + (i / 250) + "." + (i % 250 + 1))
              .toArray(String[]::new);
      String[] second =
          IntStream.range(0, 600)
              .mapToObj(i -> "10.2." + (i / 250) + "." + (i % 250 + 1))
              .toArray(String[]::new);
      Endpoints twoSubsets =
          new EndpointsBuilder(harbor(first))
              .addToSubsets(new EndpointsBuilder(harbor(second)).build().getSubsets().get(0))
              .build();
      var findings = check(twoSubsets);
      assertThat(ids(findings)).containsExactly(RuleId.OVER_CAPACITY);
      assertThat(findings.get(0).text()).startsWith("1200 addresses share the ports");
    }

    @Test
    void subsetsEmptyFiresWithoutReadyAddresses() {
      Endpoints onlyNotReady =
          new EndpointsBuilder()
              .withNewMetadata()
              .withNamespace(NS)
              .withName("harbor")
              .endMetadata()
              .addToSubsets(
                  new EndpointSubsetBuilder()
                      .addNewNotReadyAddress()
                      .withIp("10.0.0.1")
                      .endNotReadyAddress()
                      .addToPorts(
                          new EndpointPortBuilder().withPort(80).withProtocol("TCP").build())
                      .build())
              .build();
      assertThat(ids(check(onlyNotReady))).containsExactly(RuleId.SUBSETS_EMPTY);
      Endpoints none =
          new EndpointsBuilder()
              .withNewMetadata()
              .withNamespace(NS)
              .withName("harbor")
              .endMetadata()
              .build();
      assertThat(ids(check(none)))
          .containsExactlyInAnyOrder(RuleId.SUBSETS_EMPTY, RuleId.SERVICE_PORT_UNCOVERED);
    }
  }

  @Nested
  class Ports {
    final Service named =
        new ServiceBuilder(HARBOR)
            .editSpec()
            .withPorts(
                new ServicePortBuilder().withName("http").withPort(80).withProtocol("TCP").build(),
                new ServicePortBuilder().withName("dns").withPort(53).withProtocol("UDP").build())
            .endSpec()
            .build();

    Endpoints ports(EndpointPortBuilder... ports) {
      return new EndpointsBuilder(harbor("10.0.0.250"))
          .editFirstSubset()
          .withPorts(java.util.Arrays.stream(ports).map(EndpointPortBuilder::build).toList())
          .endSubset()
          .build();
    }

    static EndpointPortBuilder port(String name, int number, String protocol) {
      return new EndpointPortBuilder().withName(name).withPort(number).withProtocol(protocol);
    }

    @Test
    void aSingleUnnamedPortMatchesASingleUnnamedServicePort() {
      assertThat(check(ports(port(null, 8080, "TCP")))).isEmpty();
      assertThat(check(ports(port(null, 8080, null)))).as("protocol defaults to TCP").isEmpty();
    }

    @Test
    void portInvalidFiresForNumberProtocolNameAndMissingName() {
      cluster.set(0, named);
      assertThat(ids(check(ports(port("http", 0, "TCP"), port("dns", 53, "UDP")))))
          .containsExactly(RuleId.PORT_INVALID);
      assertThat(ids(check(ports(port("http", 70000, "TCP"), port("dns", 53, "UDP")))))
          .containsExactly(RuleId.PORT_INVALID);
      assertThat(ids(check(ports(port("http", 80, "HTTP"), port("dns", 53, "UDP")))))
          .containsExactlyInAnyOrder(
              RuleId.PORT_INVALID, RuleId.PORT_UNMATCHED, RuleId.SERVICE_PORT_UNCOVERED);
      assertThat(ids(check(ports(port("Http_Port", 80, "TCP"), port("dns", 53, "UDP")))))
          .containsExactlyInAnyOrder(
              RuleId.PORT_INVALID, RuleId.PORT_UNMATCHED, RuleId.SERVICE_PORT_UNCOVERED);
      var missing = check(ports(port(null, 80, "TCP"), port("dns", 53, "UDP")));
      assertThat(missing)
          .filteredOn(f -> f.rule() == RuleId.PORT_INVALID)
          .singleElement()
          .extracting(Finding::field)
          .isEqualTo("subsets[0].ports[0].name");
      assertThat(check(ports(port("http", 80, "TCP"), port("dns", 53, "UDP")))).isEmpty();
    }

    @Test
    void portNameDuplicateFiresEvenWithDifferentProtocols() {
      cluster.set(
          0,
          new ServiceBuilder(HARBOR)
              .editSpec()
              .withPorts(
                  new ServicePortBuilder().withName("dns").withPort(53).withProtocol("TCP").build(),
                  new ServicePortBuilder()
                      .withName("dns-udp")
                      .withPort(53)
                      .withProtocol("UDP")
                      .build())
              .endSpec()
              .build());
      var findings = check(ports(port("dns", 53, "TCP"), port("dns", 53, "UDP")));
      assertThat(ids(findings)).contains(RuleId.PORT_NAME_DUPLICATE);
      assertThat(ids(check(ports(port("dns", 53, "TCP"), port("dns-udp", 53, "UDP")))))
          .doesNotContain(RuleId.PORT_NAME_DUPLICATE);
    }

    @Test
    void portNameDuplicateLooksAtTheSubsetsAsMirroringRepacksThem() {
      Endpoints split =
          new EndpointsBuilder(harbor("10.0.0.250"))
              .addToSubsets(
                  new EndpointSubsetBuilder()
                      .addToAddresses(new EndpointAddressBuilder().withIp("10.0.0.250").build())
                      .addToPorts(port("", 8080, "TCP").build())
                      .build())
              .build();
      var findings = check(split);
      assertThat(ids(findings)).contains(RuleId.PORT_NAME_DUPLICATE);
      Finding duplicate =
          findings.stream().filter(f -> f.rule() == RuleId.PORT_NAME_DUPLICATE).findFirst().get();
      assertThat(duplicate.field()).isIn("subsets[0].ports[0].name", "subsets[1].ports[0].name");
      assertThat(duplicate.text()).contains("10.0.0.250", "mirroring merges");
      Endpoints apart =
          new EndpointsBuilder(harbor("10.0.0.250"))
              .addToSubsets(
                  new EndpointSubsetBuilder()
                      .addToAddresses(new EndpointAddressBuilder().withIp("10.0.0.251").build())
                      .addToPorts(port("", 8080, "TCP").build())
                      .build())
              .build();
      assertThat(ids(check(apart))).doesNotContain(RuleId.PORT_NAME_DUPLICATE);
    }

    @Test
    void identicalPortsListedTwiceAreOneAfterRepacking() {
      assertThat(ids(check(ports(port("", 80, "TCP"), port("", 80, "TCP")))))
          .doesNotContain(RuleId.PORT_NAME_DUPLICATE);
    }

    @Test
    void portUnmatchedNamesTheServicePorts() {
      cluster.set(0, named);
      var findings = check(ports(port("web", 80, "TCP"), port("dns", 53, "UDP")));
      assertThat(findings)
          .filteredOn(f -> f.rule() == RuleId.PORT_UNMATCHED)
          .singleElement()
          .satisfies(
              f ->
                  assertThat(f.render())
                      .contains(
                          "\"http\"/TCP 80",
                          "\"dns\"/UDP 53",
                          "the Service calls port 80 \"http\", so name it that"));
    }

    @Test
    void portUnmatchedFiresForTheSameNameWithAnotherProtocol() {
      cluster.set(0, named);
      var findings = check(ports(port("http", 80, "TCP"), port("dns", 53, "TCP")));
      assertThat(findings)
          .filteredOn(f -> f.rule() == RuleId.PORT_UNMATCHED)
          .singleElement()
          .satisfies(f -> assertThat(f.text()).contains("the Service's \"dns\" is UDP"));
    }

    @Test
    void aNamedEndpointPortDoesNotMatchAnUnnamedServicePort() {
      assertThat(ids(check(ports(port("http", 80, "TCP")))))
          .contains(RuleId.PORT_UNMATCHED, RuleId.SERVICE_PORT_UNCOVERED);
    }

    @Test
    void servicePortUncoveredFiresForAPortNoSubsetProvides() {
      cluster.set(0, named);
      var findings = check(ports(port("http", 80, "TCP")));
      assertThat(ids(findings)).containsExactly(RuleId.SERVICE_PORT_UNCOVERED);
      assertThat(findings.get(0).text()).contains("\"dns\"/UDP");
    }
  }

  @Nested
  class Labels {
    Endpoints labelled(String key, String value) {
      return new EndpointsBuilder(harbor("10.0.0.250"))
          .editMetadata()
          .addToLabels(key, value)
          .endMetadata()
          .build();
    }

    @Test
    void notMirroredFiresForEachLabelThatHidesTheEndpoints() {
      assertThat(ids(check(labelled("endpointslice.kubernetes.io/skip-mirror", "true"))))
          .containsExactly(RuleId.NOT_MIRRORED);
      assertThat(ids(check(labelled("service.kubernetes.io/headless", ""))))
          .containsExactly(RuleId.NOT_MIRRORED);
      assertThat(ids(check(labelled("service.kubernetes.io/service-proxy-name", "other"))))
          .containsExactly(RuleId.NOT_MIRRORED);
      assertThat(check(labelled("endpointslice.kubernetes.io/skip-mirror", "false"))).isEmpty();
    }

    @Test
    void managedEndpointsEditedFiresOnlyForEndpointsGuardsLabel() {
      Endpoints managed = labelled(ManagedBy.LABEL, ManagedBy.VALUE);
      assertThat(ids(check(managed))).containsExactly(RuleId.MANAGED_ENDPOINTS_EDITED);
      assertThat(check(labelled(ManagedBy.LABEL, "helm"))).isEmpty();
    }
  }

  @Test
  void rulesThatNeedTheServiceAreSkippedWhenItIsMissing() {
    Endpoints ep =
        new EndpointsBuilder(KubeObjects.endpoints(NS, "nothing-here", "2001:db8::1"))
            .editFirstSubset()
            .editFirstPort()
            .withName("odd")
            .endPort()
            .endSubset()
            .build();
    assertThat(ids(check(ep))).containsExactly(RuleId.SERVICE_MISSING);
  }

  @Test
  void actionsComeFromSettingsNotFromTheRules() {
    settings = settings.withAction(RuleId.SERVICE_MISSING, RuleAction.OFF);
    var findings = check(KubeObjects.endpoints(NS, "harbour", "10.0.0.250"));
    assertThat(Decision.of(findings, settings).allowed()).isTrue();
    assertThat(Decision.of(findings, settings).warnings()).isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "http",
        "a",
        "0",
        "dns-tcp",
        "a-b-c",
        "9x",
        "",
        "-a",
        "a-",
        "A",
        "a_b",
        "a.b",
        "é",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
      })
  void portNamesAreDns1123LabelsAsTheRegexReadsThem(String name) {
    boolean byRegex =
        name.length() <= 63
            && java.util.regex.Pattern.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?", name);
    assertThat(EndpointsRules.isDns1123Label(name)).isEqualTo(byRegex);
  }
}
