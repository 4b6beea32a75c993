package dev.endpointsguard.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per endpoints-controller semantic; expectations are written in a compact rendering of the
 * subsets.
 */
class DesiredEndpointsTest {

  // ---------- builders ----------

  static ServicePort port(String name, int port, String protocol, Object target) {
    ServicePortBuilder b =
        new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol);
    if (target instanceof Integer i) {
      b.withTargetPort(new IntOrString(i));
    } else if (target instanceof String s) {
      b.withTargetPort(new IntOrString(s));
    }
    return b.build();
  }

  static ServiceBuilder service(ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("svc")
        .endMetadata()
        .withNewSpec()
        .withClusterIP("10.96.0.10")
        .withIpFamilies("IPv4")
        .withPorts(ports)
        .endSpec();
  }

  /** The usual case: port web 8080 → named targetPort http. */
  static Service web() {
    return service(port("web", 8080, "TCP", "http")).build();
  }

  /**
   * A ready, running Pod whose container names port 80 {@code http}, with the given IPs (primary
   * first).
   */
  static PodBuilder pod(String name, String... ips) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName(name)
            .withUid(uid(name))
            .addToLabels("app", "x")
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-" + name)
            .addNewContainer()
            .withName("app")
            .addNewPort()
            .withName("http")
            .withContainerPort(80)
            .withProtocol("TCP")
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus();
    if (ips.length > 0) {
      b.editStatus().withPodIP(ips[0]).endStatus();
      for (String ip : ips) {
        b.editStatus().addNewPodIP().withIp(ip).endPodIP().endStatus();
      }
    }
    return b;
  }

  static String uid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes()).toString();
  }

  static PodBuilder notReady(PodBuilder b) {
    return b.editStatus()
        .withConditions()
        .addNewCondition()
        .withType("Ready")
        .withStatus("False")
        .endCondition()
        .endStatus();
  }

  /** Replaces the Pod's conditions by {@code Ready} conditions with these statuses, in order. */
  static PodBuilder readyConditions(PodBuilder b, String... statuses) {
    b.editStatus().withConditions().endStatus();
    for (String status : statuses) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus(status)
          .endCondition()
          .endStatus();
    }
    return b;
  }

  static PodBuilder terminating(PodBuilder b) {
    return b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
  }

  static PodBuilder phase(PodBuilder b, String phase) {
    return b.editStatus().withPhase(phase).endStatus();
  }

  static PodBuilder containerPort(PodBuilder b, String name, int number, String protocol) {
    return b.editSpec()
        .editFirstContainer()
        .withPorts(
            new ContainerPortBuilder()
                .withName(name)
                .withContainerPort(number)
                .withProtocol(protocol)
                .build())
        .endContainer()
        .endSpec();
  }

  /**
   * Renders subsets as {@code ports ready[ips] notReady[ips]}, joined by {@code |}; a port is
   * {@code name:port/protocol}, an address with a hostname {@code ip(hostname)}.
   */
  static String render(Endpoints e) {
    return e.getSubsets().stream()
        .map(DesiredEndpointsTest::render)
        .collect(Collectors.joining(" | "));
  }

  static String render(EndpointSubset s) {
    String ports =
        s.getPorts().stream()
            .map(
                p ->
                    (p.getName() == null ? "" : p.getName())
                        + ":"
                        + p.getPort()
                        + "/"
                        + p.getProtocol())
            .collect(Collectors.joining(","));
    return (ports.isEmpty() ? "-" : ports)
        + " ready"
        + ips(s.getAddresses())
        + " notReady"
        + ips(s.getNotReadyAddresses());
  }

  static String ips(List<EndpointAddress> addresses) {
    return addresses.stream()
        .map(a -> a.getIp() + (a.getHostname() == null ? "" : "(" + a.getHostname() + ")"))
        .collect(Collectors.joining(",", "[", "]"));
  }

  // ---------- the table ----------

  static Stream<Arguments> semantics() {
    Service publishing =
        service(port("web", 8080, "TCP", "http"))
            .editSpec()
            .withPublishNotReadyAddresses(true)
            .endSpec()
            .build();
    Service twoPorts =
        service(port("web", 8080, "TCP", "http"), port("metrics", 9100, "TCP", 9100)).build();
    Service dns = service(port("dns", 53, "UDP", "dns")).build();
    Service dualV4 =
        service(port("web", 8080, "TCP", 80))
            .editSpec()
            .withIpFamilies("IPv4", "IPv6")
            .endSpec()
            .build();
    Service dualV6 =
        service(port("web", 8080, "TCP", 80))
            .editSpec()
            .withClusterIP("fd00:96::10")
            .withIpFamilies("IPv6", "IPv4")
            .endSpec()
            .build();
    Service noFamiliesV6 =
        service(port("web", 8080, "TCP", 80))
            .editSpec()
            .withClusterIP("fd00:96::10")
            .withIpFamilies()
            .endSpec()
            .build();
    Service noFamiliesLongV6 =
        service(port("web", 8080, "TCP", 80))
            .editSpec()
            .withClusterIP("FD00:0096:0:0:0:0:0:0010")
            .withIpFamilies()
            .endSpec()
            .build();
    Service headlessNoFamilies =
        service(port("web", 8080, "TCP", 80))
            .editSpec()
            .withClusterIP("None")
            .withIpFamilies()
            .endSpec()
            .build();
    Service headlessNoPorts = service().editSpec().withClusterIP("None").endSpec().build();
    Service noPorts = service().build();
    Service intTarget = service(port("web", 8080, "TCP", 8081)).build();
    Service noTarget = service(port(null, 8080, null, null)).build();
    Service appProtocol =
        service(
                new ServicePortBuilder(port("web", 8080, "TCP", "http"))
                    .withAppProtocol("kubernetes.io/h2c")
                    .build())
            .build();
    Pod sidecar =
        pod("sidecar", "10.0.0.9")
            .editSpec()
            .editFirstContainer()
            .withPorts()
            .endContainer()
            .addNewInitContainer()
            .withName("proxy")
            .withRestartPolicy("Always")
            .addNewPort()
            .withName("http")
            .withContainerPort(15001)
            .endPort()
            .endInitContainer()
            .endSpec()
            .build();
    Pod plainInit =
        pod("init", "10.0.0.8")
            .editSpec()
            .editFirstContainer()
            .withPorts()
            .endContainer()
            .addNewInitContainer()
            .withName("setup")
            .addNewPort()
            .withName("http")
            .withContainerPort(15002)
            .endPort()
            .endInitContainer()
            .endSpec()
            .build();
    Pod webHost =
        pod("web-0", "10.0.0.1")
            .editSpec()
            .withHostname("web-0")
            .withSubdomain("svc")
            .endSpec()
            .build();
    Pod otherSubdomain =
        pod("web-1", "10.0.0.2")
            .editSpec()
            .withHostname("web-1")
            .withSubdomain("other")
            .endSpec()
            .build();

    return Stream.of(
        arguments(
            "running and ready → addresses",
            web(),
            List.of(pod("a", "10.0.0.1").build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "Succeeded and Failed Pods do not count",
            web(),
            List.of(
                phase(pod("a", "10.0.0.1"), "Succeeded").build(),
                phase(pod("b", "10.0.0.2"), "Failed").build(),
                pod("c", "10.0.0.3").build()),
            "web:80/TCP ready[10.0.0.3] notReady[]"),
        arguments("a Pod without IP does not count", web(), List.of(pod("a").build()), ""),
        arguments(
            "terminating Pods do not count",
            web(),
            List.of(terminating(pod("a", "10.0.0.1")).build()),
            ""),
        arguments(
            "terminating Pods count with publishNotReadyAddresses",
            publishing,
            List.of(terminating(notReady(pod("a", "10.0.0.1"))).build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "not ready → notReadyAddresses",
            web(),
            List.of(notReady(pod("a", "10.0.0.1")).build(), pod("b", "10.0.0.2").build()),
            "web:80/TCP ready[10.0.0.2] notReady[10.0.0.1]"),
        arguments(
            "readiness comes from the first Ready condition only",
            web(),
            List.of(
                readyConditions(pod("a", "10.0.0.1"), "False", "True").build(),
                readyConditions(pod("b", "10.0.0.2"), "True", "False").build()),
            "web:80/TCP ready[10.0.0.2] notReady[10.0.0.1]"),
        arguments(
            "publishNotReadyAddresses puts every Pod in addresses",
            publishing,
            List.of(notReady(pod("a", "10.0.0.1")).build(), pod("b", "10.0.0.2").build()),
            "web:80/TCP ready[10.0.0.1,10.0.0.2] notReady[]"),
        arguments(
            "a named port resolves per Pod: two numbers → two subsets",
            web(),
            List.of(
                containerPort(pod("a", "10.0.0.1"), "http", 8080, "TCP").build(),
                containerPort(pod("b", "10.0.0.2"), "http", 9090, "TCP").build(),
                containerPort(pod("c", "10.0.0.3"), "http", 8080, "TCP").build()),
            "web:8080/TCP ready[10.0.0.1,10.0.0.3] notReady[] | web:9090/TCP ready[10.0.0.2] notReady[]"),
        arguments(
            "an unresolvable named port leaves the Pod out of that port only",
            twoPorts,
            List.of(
                pod("a", "10.0.0.1").build(),
                containerPort(pod("b", "10.0.0.2"), "metrics", 9100, "TCP").build()),
            "metrics:9100/TCP ready[10.0.0.1,10.0.0.2] notReady[] | web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "a Pod that serves no port of the Service is left out",
            web(),
            List.of(containerPort(pod("a", "10.0.0.1"), "https", 443, "TCP").build()),
            ""),
        arguments(
            "a named port must match the protocol too",
            dns,
            List.of(
                containerPort(pod("tcp", "10.0.0.1"), "dns", 53, "TCP").build(),
                containerPort(pod("udp", "10.0.0.2"), "dns", 5353, "UDP").build()),
            "dns:5353/UDP ready[10.0.0.2] notReady[]"),
        arguments(
            "restartable init containers provide named ports, plain init containers do not",
            web(),
            List.of(sidecar, plainInit),
            "web:15001/TCP ready[10.0.0.9] notReady[]"),
        arguments(
            "an int targetPort is used as is",
            intTarget,
            List.of(pod("a", "10.0.0.1").build()),
            "web:8081/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "no targetPort: the Service port; no protocol: TCP",
            noTarget,
            List.of(pod("a", "10.0.0.1").build()),
            ":8080/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "dual-stack IPv4-primary: only the IPv4 address",
            dualV4,
            List.of(pod("a", "fd00::1", "10.0.0.1").build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "dual-stack IPv6-primary: only the IPv6 address; a Pod without one is skipped",
            dualV6,
            List.of(pod("a", "10.0.0.1", "fd00::1").build(), pod("b", "10.0.0.2").build()),
            "web:80/TCP ready[fd00::1] notReady[]"),
        arguments(
            "no ipFamilies: the clusterIP's family",
            noFamiliesV6,
            List.of(pod("a", "10.0.0.1", "fd00::1").build()),
            "web:80/TCP ready[fd00::1] notReady[]"),
        arguments(
            "headless without ipFamilies: each Pod's primary family",
            headlessNoFamilies,
            List.of(
                pod("a", "10.0.0.1", "fd00::1").build(), pod("b", "fd00::2", "10.0.0.2").build()),
            "web:80/TCP ready[10.0.0.1,fd00::2] notReady[]"),
        arguments(
            "IPv4 with leading zeros is published in canonical form",
            web(),
            List.of(pod("a", "010.000.000.001").build(), pod("b", "01.2.3.4").build()),
            "web:80/TCP ready[1.2.3.4,10.0.0.1] notReady[]"),
        arguments(
            "IPv6 is published in canonical form",
            dualV6,
            List.of(
                pod("a", "10.0.0.1", "02000::4").build(),
                pod("b", "10.0.0.2", "FD00:0:0:0:0:0:0:B").build(),
                pod("c", "10.0.0.3", "2001:0db8:0:0:1:0:0:1").build(),
                pod("d", "10.0.0.4", "2001:db8:0:1:1:1:1:1").build(),
                pod("e", "10.0.0.5", "2001:0:0:1:0:0:0:1").build()),
            "web:80/TCP ready[2000::4,2001:0:0:1::1,2001:db8:0:1:1:1:1:1,2001:db8::1:0:0:1,fd00::b]"
                + " notReady[]"),
        arguments(
            "the family is that of the parsed address: IPv4-mapped IPv6 is IPv4",
            dualV4,
            List.of(
                pod("a", "fd00::1", "::ffff:10.0.0.1").build(), pod("b", "::FFFF:a00:2").build()),
            "web:80/TCP ready[10.0.0.1,10.0.0.2] notReady[]"),
        arguments(
            "headless without ipFamilies: the family of the parsed primary IP",
            headlessNoFamilies,
            List.of(pod("a", "::ffff:10.0.0.1", "fd00::1").build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "no ipFamilies: the family of the parsed clusterIP",
            noFamiliesLongV6,
            List.of(pod("a", "10.0.0.1", "fd00::1").build()),
            "web:80/TCP ready[fd00::1] notReady[]"),
        arguments(
            "a Pod IP that does not parse is skipped",
            web(),
            List.of(pod("a", "10.0.0.256", "10.0.0.1").build(), pod("b", "x").build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"),
        arguments(
            "hostname only when the subdomain is the Service's name",
            web(),
            List.of(webHost, otherSubdomain),
            "web:80/TCP ready[10.0.0.1(web-0),10.0.0.2] notReady[]"),
        arguments(
            "a headless Service without ports gets addresses without ports",
            headlessNoPorts,
            List.of(pod("a", "10.0.0.1").build()),
            "- ready[10.0.0.1] notReady[]"),
        arguments(
            "a non-headless Service without ports gets nothing",
            noPorts,
            List.of(pod("a", "10.0.0.1").build()),
            ""),
        arguments(
            "the same Pod listed twice is one address, and not-ready wins",
            web(),
            List.of(
                pod("a", "10.0.0.1").build(),
                notReady(pod("a", "10.0.0.1")).build(),
                pod("a", "10.0.0.1").build()),
            "web:80/TCP ready[] notReady[10.0.0.1]"),
        arguments(
            "the same IP with another UID is another address (a recreated Pod)",
            web(),
            List.of(pod("a", "10.0.0.1").build(), pod("b", "10.0.0.1").build()),
            "web:80/TCP ready[10.0.0.1,10.0.0.1] notReady[]"),
        arguments(
            "appProtocol is copied",
            appProtocol,
            List.of(pod("a", "10.0.0.1").build()),
            "web:80/TCP ready[10.0.0.1] notReady[]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("semantics")
  void followsTheEndpointsController(
      String semantic, Service service, List<Pod> pods, String expected) {
    assertThat(render(DesiredEndpoints.compute(service, pods))).isEqualTo(expected);
  }

  // ---------- address content, packing, capacity, labels ----------

  @Test
  void addressesCarryNodeNameAndTargetRefAndPortsAppProtocol() {
    Service svc =
        service(
                new ServicePortBuilder(port("web", 8080, "TCP", "http"))
                    .withAppProtocol("kubernetes.io/h2c")
                    .build())
            .build();
    Endpoints e = DesiredEndpoints.compute(svc, List.of(pod("a", "10.0.0.1").build()));
    EndpointAddress address = e.getSubsets().get(0).getAddresses().get(0);
    assertThat(address.getNodeName()).isEqualTo("node-a");
    assertThat(address.getTargetRef().getKind()).isEqualTo("Pod");
    assertThat(address.getTargetRef().getNamespace()).isEqualTo("default");
    assertThat(address.getTargetRef().getName()).isEqualTo("a");
    assertThat(address.getTargetRef().getUid()).isEqualTo(uid("a"));
    assertThat(address.getTargetRef().getResourceVersion()).isNull();
    assertThat(e.getSubsets().get(0).getPorts().get(0).getAppProtocol())
        .isEqualTo("kubernetes.io/h2c");
    assertThat(e.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(e.getMetadata().getName()).isEqualTo("svc");
  }

  @Test
  void shuffledInputGivesIdenticalOutput() {
    Service svc =
        service(port("web", 8080, "TCP", "http"), port("metrics", 9100, "TCP", 9100)).build();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      PodBuilder b =
          containerPort(
              pod("p" + i, "10.0." + (i % 3) + "." + (200 - i)), "http", 8000 + i % 4, "TCP");
      pods.add((i % 5 == 0 ? notReady(b) : b).build());
    }
    Endpoints first = DesiredEndpoints.compute(svc, pods);
    Random random = new Random(42);
    for (int round = 0; round < 10; round++) {
      Collections.shuffle(pods, random);
      assertThat(DesiredEndpoints.compute(svc, pods)).isEqualTo(first);
    }
    // addresses sorted by IP (as text, like Kubernetes), ports by name, subsets by their ports
    // metrics (int targetPort) is served by all 40 Pods; web resolves to 4 numbers → 4 more subsets
    assertThat(first.getSubsets())
        .extracting(s -> s.getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList())
        .containsExactly(
            List.of("metrics:9100"),
            List.of("web:8000"),
            List.of("web:8001"),
            List.of("web:8002"),
            List.of("web:8003"));
    List<String> ips =
        first.getSubsets().get(0).getAddresses().stream().map(EndpointAddress::getIp).toList();
    assertThat(ips).isSorted();
  }

  static List<Pod> manyPods(int ready, int notReady) {
    return IntStream.range(0, ready + notReady)
        .mapToObj(
            i -> {
              PodBuilder b =
                  pod("p" + i, "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256));
              return (i >= ready ? notReady(b) : b).build();
            })
        .toList();
  }

  static Stream<Arguments> capacity() {
    return Stream.of(
        arguments("exactly 1000 addresses are kept whole", 1000, 0, 1000, 0, false),
        arguments("above 1000 addresses are truncated and annotated", 1001, 0, 1000, 0, true),
        arguments("truncation drops not-ready addresses first", 990, 20, 990, 10, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capacity")
  void capsAt1000Addresses(
      String rule, int ready, int notReady, int keptReady, int keptNotReady, boolean annotated) {
    Endpoints e = DesiredEndpoints.compute(web(), manyPods(ready, notReady));
    assertThat(e.getSubsets()).hasSize(1);
    assertThat(e.getSubsets().get(0).getAddresses()).hasSize(keptReady);
    assertThat(e.getSubsets().get(0).getNotReadyAddresses()).hasSize(keptNotReady);
    if (annotated) {
      assertThat(e.getMetadata().getAnnotations())
          .containsEntry("endpoints.kubernetes.io/over-capacity", "truncated");
    } else {
      assertThat(e.getMetadata().getAnnotations()).isNullOrEmpty();
    }
  }

  @Test
  void truncationKeepsReadyProportionallyPerSubset() {
    List<Pod> pods = new ArrayList<>(manyPods(1500, 50));
    // 500 more ready Pods on another port number → a second subset; 2000 ready in total
    for (int i = 0; i < 500; i++) {
      pods.add(
          containerPort(pod("q" + i, "10.9." + (i / 256) + "." + (i % 256)), "http", 81, "TCP")
              .build());
    }
    Endpoints e = DesiredEndpoints.compute(web(), pods);
    assertThat(e.getSubsets())
        .extracting(s -> s.getAddresses().size() + "/" + s.getNotReadyAddresses().size())
        .containsExactly("750/0", "250/0");
    assertThat(e.getMetadata().getAnnotations())
        .containsEntry("endpoints.kubernetes.io/over-capacity", "truncated");
    assertThat(DesiredEndpoints.semanticallyEqual(e, e)).isTrue();
  }

  @Test
  void labelsAreTheServiceLabelsPlusManagedBy() {
    Service svc =
        new ServiceBuilder(web())
            .editMetadata()
            .addToLabels("team", "edge")
            .addToLabels("app.kubernetes.io/managed-by", "Helm")
            .endMetadata()
            .build();
    assertThat(DesiredEndpoints.compute(svc, List.of()).getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("team", "edge", "app.kubernetes.io/managed-by", "endpoints-guard"));
  }

  static Stream<Arguments> headlessLabel() {
    return Stream.of(
        arguments(
            "a headless Service gets it",
            new ServiceBuilder(web()).editSpec().withClusterIP("None").endSpec().build(),
            true),
        arguments(
            "a Service with a cluster IP does not, even when it carries the label itself",
            new ServiceBuilder(web())
                .editMetadata()
                .addToLabels("service.kubernetes.io/headless", "")
                .endMetadata()
                .build(),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headlessLabel")
  void theHeadlessLabel(String rule, Service service, boolean labelled) {
    Map<String, String> labels =
        DesiredEndpoints.compute(service, List.of()).getMetadata().getLabels();
    if (labelled) {
      assertThat(labels).containsEntry("service.kubernetes.io/headless", "");
    } else {
      assertThat(labels).doesNotContainKey("service.kubernetes.io/headless");
    }
  }

  // ---------- semantic equality ----------

  @Test
  void storedCopiesInAnotherShapeAreEqual() {
    Endpoints desired =
        DesiredEndpoints.compute(
            web(), List.of(pod("a", "10.0.0.1").build(), pod("b", "10.0.0.2").build()));
    // what the API server may hand back: split subsets, reversed order, targetRef.resourceVersion
    // set, protocol absent
    EndpointsBuilder split = new EndpointsBuilder().withMetadata(desired.getMetadata());
    List<EndpointAddress> reversed = new ArrayList<>(desired.getSubsets().get(0).getAddresses());
    Collections.reverse(reversed);
    for (EndpointAddress a : reversed) {
      EndpointAddress withRv =
          new io.fabric8.kubernetes.api.model.EndpointAddressBuilder(a)
              .editTargetRef()
              .withResourceVersion("77")
              .endTargetRef()
              .build();
      split
          .addNewSubset()
          .withAddresses(withRv)
          .addNewPort()
          .withName("web")
          .withPort(80)
          .endPort()
          .endSubset();
    }
    Endpoints stored = split.editMetadata().withResourceVersion("12").endMetadata().build();
    assertThat(DesiredEndpoints.semanticallyEqual(desired, stored)).isTrue();
  }

  static Stream<Arguments> noDifferences() {
    Service headless = new ServiceBuilder(web()).editSpec().withClusterIP("None").endSpec().build();
    Endpoints headlessDesired =
        DesiredEndpoints.compute(headless, List.of(pod("a", "10.0.0.1").build()));
    Endpoints plainDesired = DesiredEndpoints.compute(web(), List.of(pod("a", "10.0.0.1").build()));
    return Stream.of(
        arguments(
            "headless Service, stored without the headless label",
            headlessDesired,
            (UnaryOperator<EndpointsBuilder>)
                b ->
                    b.editMetadata()
                        .removeFromLabels("service.kubernetes.io/headless")
                        .endMetadata()),
        arguments(
            "headless Service, stored without subsets and without the headless label",
            DesiredEndpoints.compute(headless, List.of()),
            (UnaryOperator<EndpointsBuilder>)
                b ->
                    b.withSubsets((List<EndpointSubset>) null)
                        .editMetadata()
                        .removeFromLabels("service.kubernetes.io/headless")
                        .endMetadata()),
        arguments(
            "Service with an IP, stored with a stale headless label",
            plainDesired,
            (UnaryOperator<EndpointsBuilder>)
                b ->
                    b.editMetadata()
                        .addToLabels("service.kubernetes.io/headless", "")
                        .endMetadata()),
        arguments(
            "other annotations and metadata",
            plainDesired,
            (UnaryOperator<EndpointsBuilder>)
                b ->
                    b.editMetadata()
                        .addToAnnotations("example.com/note", "x")
                        .addToFinalizers("example.com/keep")
                        .withResourceVersion("42")
                        .endMetadata()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noDifferences")
  void differencesThatNeedNoWrite(
      String difference, Endpoints desired, UnaryOperator<EndpointsBuilder> change) {
    Endpoints stored = change.apply(new EndpointsBuilder(desired)).build();
    assertThat(DesiredEndpoints.semanticallyEqual(desired, stored)).isTrue();
  }

  static Stream<Arguments> differences() {
    Endpoints desired = DesiredEndpoints.compute(web(), List.of(pod("a", "10.0.0.1").build()));
    return Stream.<Arguments>of(
            arguments(
                "another address",
                (UnaryOperator<EndpointsBuilder>)
                    b ->
                        b.editFirstSubset()
                            .editFirstAddress()
                            .withIp("10.0.0.9")
                            .endAddress()
                            .endSubset()),
            arguments(
                "ready became not ready",
                (UnaryOperator<EndpointsBuilder>)
                    b ->
                        b.editFirstSubset()
                            .withNotReadyAddresses(b.buildSubsets().get(0).getAddresses())
                            .withAddresses()
                            .endSubset()),
            arguments(
                "another port",
                (UnaryOperator<EndpointsBuilder>)
                    b -> b.editFirstSubset().editFirstPort().withPort(81).endPort().endSubset()),
            arguments(
                "another nodeName",
                (UnaryOperator<EndpointsBuilder>)
                    b ->
                        b.editFirstSubset()
                            .editFirstAddress()
                            .withNodeName("x")
                            .endAddress()
                            .endSubset()),
            arguments(
                "a label missing",
                (UnaryOperator<EndpointsBuilder>)
                    b -> b.editMetadata().withLabels(Map.of()).endMetadata()),
            arguments(
                "over-capacity annotation set",
                (UnaryOperator<EndpointsBuilder>)
                    b ->
                        b.editMetadata()
                            .addToAnnotations("endpoints.kubernetes.io/over-capacity", "truncated")
                            .endMetadata()))
        .map(a -> arguments(a.get()[0], desired, a.get()[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("differences")
  void differencesThatNeedAWrite(
      String difference, Endpoints desired, UnaryOperator<EndpointsBuilder> change) {
    Endpoints stored = change.apply(new EndpointsBuilder(desired)).build();
    assertThat(DesiredEndpoints.semanticallyEqual(desired, stored)).isFalse();
  }
}
