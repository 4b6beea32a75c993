package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every known way around the Endpoints guard (CVE-2021-25740 and friends), sent over HTTPS to the
 * real handler, with the victim objects in the mock API server: another namespace's Pod, a
 * Service's cluster, external and load-balancer IPs, a Node and a hostNetwork Pod. The spellings
 * are the ones Kubernetes' sloppy IP parser accepts and EndpointSlice mirroring re-writes.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AttackCorpusTest extends WebhookTestBase {

  static final ObjectMapper MAPPER = new ObjectMapper();

  @BeforeEach
  void seedTheVictims() {
    Service api =
        new ServiceBuilder(KubeObjects.selectorless("victim", "api", "10.96.0.10").build())
            .editSpec()
            .withClusterIPs("10.96.0.10", "fd00:96::a")
            .withIpFamilies("IPv4", "IPv6")
            .withExternalIPs("203.0.113.10")
            .withType("LoadBalancer")
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("198.51.100.7")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    apply(
        api,
        new PodBuilder(KubeObjects.running("victim", "db", "10.244.3.7"))
            .editStatus()
            .addNewPodIP()
            .withIp("fd00:10:244:1::a")
            .endPodIP()
            .endStatus()
            .build(),
        new PodBuilder(KubeObjects.running("kube-system", "etcd-node-1", "10.0.0.12"))
            .editSpec()
            .withHostNetwork(true)
            .endSpec()
            .build(),
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
            .withType("Hostname")
            .withAddress("node-1")
            .endAddress()
            .endStatus()
            .build(),
        KubeObjects.selectorless("attacker", "evil", "10.96.50.50").build());
    if (view.servicesByIp("198.51.100.7").isEmpty()) {
      client.resource(api).updateStatus(); // the CRUD mock keeps status only through /status
    }
    awaitView(
        () ->
            view.service("attacker", "evil").isPresent()
                && !view.servicesByIp("198.51.100.7").isEmpty()
                && !view.podsByIp("fd00:10:244:1::a").isEmpty()
                && !view.hostNetworkPodsByIp("10.0.0.12").isEmpty()
                && !view.nodesByIp("10.0.0.11").isEmpty());
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // another namespace's Pod, in every spelling
        "10.244.3.7                | deny  | ip-foreign-pod",
        "010.244.003.007           | deny  | ip-invalid ip-foreign-pod",
        "fd00:10:244:1::a          | deny  | ip-foreign-pod",
        "FD00:10:244:1:0:0:0:A     | deny  | ip-foreign-pod",
        "fd00:10:244:1::0.0.0.010  | deny  | ip-invalid ip-foreign-pod",
        "fd00:10:244:1::0.0.0.10   | deny  | ip-foreign-pod",
        // a Service's addresses: cluster, external and load-balancer IPs
        "10.96.0.10                | deny  | ip-cluster-ip",
        "010.096.000.010           | deny  | ip-invalid ip-cluster-ip",
        "::ffff:a60:a              | deny  | ip-invalid ip-cluster-ip",
        "::ffff:10.96.0.10         | deny  | ip-invalid ip-cluster-ip",
        "fd00:96::a                | deny  | ip-cluster-ip",
        "203.0.113.10              | deny  | ip-cluster-ip",
        "198.51.100.7              | deny  | ip-cluster-ip",
        // metadata and host agents, also through NAT64
        "169.254.169.254           | deny  | ip-reserved",
        "64:ff9b::a9fe:a9fe        | deny  | ip-reserved",
        "64:ff9b::169.254.169.254  | deny  | ip-reserved",
        "fd00:ec2::254             | deny  | ip-reserved",
        "fd00:ec2::23              | deny  | ip-reserved",
        "fd20:ce::254              | deny  | ip-reserved",
        "100.100.100.200           | deny  | ip-reserved",
        "168.63.129.16             | deny  | ip-reserved",
        "224.0.1.1                 | deny  | ip-reserved",
        "255.255.255.255           | deny  | ip-reserved",
        "ff0e::1                   | deny  | ip-reserved",
        "0.1.2.3                   | deny  | ip-reserved",
        // spellings that different tools read differently
        "10.96.10                  | deny  | ip-invalid",
        "0xa.0.0.1                 | deny  | ip-invalid",
        "167772161                 | deny  | ip-invalid",
        "::1.2.3                   | deny  | ip-invalid",
        // nodes: warned, since some operators do this on purpose
        "10.0.0.11                 | warn  | ip-node",
        "10.0.0.12                 | warn  | ip-node",
        // an honest backend outside the cluster
        "10.0.0.250                | allow | ''",
        "2001:db8::250             | warn  | ip-family-mismatch"
      })
  void everySpellingIsJudgedAsKubernetesReadsIt(String ip, String verdict, String rules) {
    JsonNode response = post(KubeObjects.endpoints("attacker", "evil", ip));
    assertVerdict(response, verdict, rules.isBlank() ? List.of() : Arrays.asList(rules.split(" ")));
  }

  @Test
  void theLeaderElectionAnnotationNoLongerSwitchesTheRulesOff() {
    Endpoints disguised =
        new EndpointsBuilder(KubeObjects.endpoints("attacker", "evil", "10.244.3.7", "10.96.0.10"))
            .editMetadata()
            .addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{}")
            .endMetadata()
            .build();
    assertVerdict(post(disguised), "deny", List.of("ip-foreign-pod", "ip-cluster-ip"));
  }

  @Test
  void anUntrustedWriteOfTheApiServersOwnEndpointsIsDenied() {
    apply(KubeObjects.selectorless("default", "kubernetes", "10.96.0.1").build());
    awaitView(() -> view.service("default", "kubernetes").isPresent());
    assertVerdict(
        post(KubeObjects.endpoints("default", "kubernetes", 6443, "10.0.0.250").build()),
        "deny",
        List.of("apiserver-endpoints"));
  }

  JsonNode post(Endpoints endpoints) {
    String body =
        https()
            .body(Reviews.create(endpoints))
            .post("/validate/endpoints")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    try {
      return MAPPER.readTree(body).path("response");
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }

  static void assertVerdict(JsonNode response, String verdict, List<String> rules) {
    List<String> texts = new ArrayList<>();
    response.path("warnings").forEach(w -> texts.add(w.asText()));
    texts.add(response.path("status").path("message").asText());
    String all = String.join("\n", texts);
    assertThat(response.path("allowed").asBoolean()).as(all).isEqualTo(!"deny".equals(verdict));
    if ("allow".equals(verdict)) {
      assertThat(response.has("warnings")).as(all).isFalse();
    }
    for (String rule : rules) {
      assertThat(all).contains("[" + rule + "]");
    }
    if ("deny".equals(verdict)) {
      String message = response.path("status").path("message").asText();
      assertThat(rules.stream().anyMatch(r -> message.contains("[" + r + "]"))).as(all).isTrue();
    }
  }
}
