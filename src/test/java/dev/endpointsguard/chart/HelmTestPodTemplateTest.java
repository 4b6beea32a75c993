package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** templates/tests/: the `helm test` Pod and its script. */
class HelmTestPodTemplateTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("testPodModes")
  void helmTestPodPostsAnEndpointsWithoutServiceAndExpectsADenial(String mode, String[] args)
      throws Exception {
    Manifests m = Helm.render(args);
    Pod pod =
        m.all(Pod.class).stream()
            .filter(
                p ->
                    p.getMetadata().getAnnotations() != null
                        && "test".equals(p.getMetadata().getAnnotations().get("helm.sh/hook")))
            .findFirst()
            .orElseThrow();
    Container c = pod.getSpec().getContainers().get(0);
    Map<String, String> env =
        c.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
    assertThat(env.get("WEBHOOK_URL"))
        .isEqualTo("https://" + svc + "." + NAMESPACE + ".svc:443/validate/endpoints");

    JsonNode review = new ObjectMapper().readTree(env.get("REVIEW"));
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    JsonNode req = review.path("request");
    assertThat(req.path("uid").asText()).isNotBlank();
    assertThat(req.path("operation").asText()).isEqualTo("CREATE");
    assertThat(req.path("object").path("kind").asText()).isEqualTo("Endpoints");
    String name = req.path("object").path("metadata").path("name").asText();
    assertThat(req.path("name").asText()).isEqualTo(name);
    assertThat(m.all(Service.class))
        .extracting(s -> s.getMetadata().getName())
        .doesNotContain(name);
    assertThat(CONTROL_PLANE_USERS).doesNotContain(req.path("userInfo").path("username").asText());

    String script = String.join("\n", c.getArgs());
    assertThat(script).contains("--cacert").contains("\"allowed\":false").contains("$WEBHOOK_URL");
    if (mode.equals("existing-secret")) {
      assertThat(env.get("CA_PEM")).isEqualTo(EXISTING_CA_PEM);
    } else {
      Volume ca =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getSecret() != null)
              .findFirst()
              .orElseThrow();
      assertThat(ca.getSecret().getSecretName())
          .isEqualTo(
              volume(
                      m.one(Deployment.class).getSpec().getTemplate().getSpec(),
                      mount(container(m), "/etc/endpoints-guard/tls").getName())
                  .getSecret()
                  .getSecretName());
      assertThat(ca.getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("ca.crt");
    }
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
  }

  static Stream<Arguments> testPodScriptCases() {
    String denied =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"u\","
            + "\"allowed\": false,\"status\":{\"code\":403,\"reason\":\"Forbidden\",\"message\":"
            + "\"Endpoints \\\"ns/x\\\" denied: [service-missing] no Service\"}}}";
    String allowed =
        "{\"response\":{\"uid\":\"u\",\"allowed\":true,\"warnings\":[\"[service-missing] no Service\"]}}";
    String notSynced =
        "{\"response\":{\"uid\":\"u\",\"allowed\":false,\"status\":{\"code\":503,\"message\":\"retry\"}}}";
    String sliceAnswer =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
            + "{\"uid\": \"00000000-0000-4000-8000-00000000e9e6\", \"allowed\": true}}";
    String sliceOtherUid = "{\"response\":{\"uid\":\"someone-else\",\"allowed\":true}}";
    return Stream.of(
        Arguments.of("denied by service-missing, slice answered", denied, sliceAnswer, 0, true),
        Arguments.of("allowed", allowed, sliceAnswer, 0, false),
        Arguments.of("denied for another reason", notSynced, sliceAnswer, 0, false),
        Arguments.of("slice answer of another review", denied, sliceOtherUid, 0, false),
        Arguments.of("slice path not served", denied, "", 0, false),
        Arguments.of("curl fails", "", "", 7, false));
  }

  /**
   * Runs the helm-test Pod's shell script locally with a fake curl, to prove it can pass and fail.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("testPodScriptCases")
  void helmTestScriptPassesOnlyOnTheExpectedDenial(
      String label, String response, String sliceResponse, int curlExit, boolean pass)
      throws Exception {
    Path sh = Path.of("/bin/sh");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(sh), "needs /bin/sh");
    Manifests m = Helm.render(NEW_KUBE);
    Pod pod = m.all(Pod.class).get(0);
    Container c = pod.getSpec().getContainers().get(0);
    Path dir =
        Files.createDirectories(Path.of("target", "chart-test", "fake-bin")).toAbsolutePath();
    Path curl = dir.resolve("curl");
    // answers by the URL, the last argument
    Files.writeString(
        curl,
        "#!/bin/sh\nfor url; do :; done\ncase \"$url\" in\n  */validate/endpointslices) printf '%s' \"$FAKE_SLICE_RESPONSE\" ;;\n"
            + "  *) printf '%s' \"$FAKE_RESPONSE\" ;;\nesac\nexit \"$FAKE_RC\"\n");
    assertThat(curl.toFile().setExecutable(true)).isTrue();
    List<String> cmd = new ArrayList<>(c.getCommand());
    cmd.addAll(c.getArgs());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> pb.environment().put(e.getName(), e.getValue()));
    pb.environment().put("FAKE_RESPONSE", response);
    pb.environment().put("FAKE_SLICE_RESPONSE", sliceResponse);
    pb.environment().put("FAKE_RC", Integer.toString(curlExit));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(pass ? 0 : 1);
  }

  static Stream<Arguments> testPodModes() {
    return Stream.of(
        Arguments.of("helm", (Object) NEW_KUBE),
        Arguments.of("cert-manager", (Object) certManagerArgs()),
        Arguments.of("existing-secret", (Object) existingSecretArgs()));
  }

  @Test
  void helmTestPodCarriesItsOwnLabelsSoNoServiceSelectsIt() {
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "networkPolicy.enabled=true"));
    Pod pod = m.all(Pod.class).get(0);
    Map<String, String> labels = pod.getMetadata().getLabels();
    assertThat(labels)
        .containsEntry("app.kubernetes.io/component", "test")
        .containsEntry("app.kubernetes.io/instance", RELEASE);
    Map<String, String> selector = m.one(Deployment.class).getSpec().getSelector().getMatchLabels();
    assertThat(labels.entrySet().containsAll(selector.entrySet()))
        .as("the Deployment's selector labels")
        .isFalse();
    for (Service svc : m.all(Service.class)) {
      assertThat(labels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()))
          .as(svc.getMetadata().getName())
          .isFalse();
    }
    assertThat(
            labels
                .entrySet()
                .containsAll(
                    m.one(PodDisruptionBudget.class)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels()
                        .entrySet()))
        .isFalse();
    assertThat(
            labels
                .entrySet()
                .containsAll(
                    m.one(NetworkPolicy.class)
                        .getSpec()
                        .getPodSelector()
                        .getMatchLabels()
                        .entrySet()))
        .isFalse();
  }

  @Test
  void helmTestPostsAnEndpointSliceReviewToItsPath() throws Exception {
    Manifests m = defaults();
    Container c = m.all(Pod.class).get(0).getSpec().getContainers().get(0);
    Map<String, String> env =
        c.getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env.get("ENDPOINTSLICES_URL"))
        .isEqualTo("https://" + RELEASE + "." + NAMESPACE + ".svc:443/validate/endpointslices");
    assertThat(
            validating(m, "endpointslices.endpoints-guard.dev")
                .getClientConfig()
                .getService()
                .getPath())
        .isEqualTo(java.net.URI.create(env.get("ENDPOINTSLICES_URL")).getPath());
    JsonNode req = new ObjectMapper().readTree(env.get("ENDPOINTSLICE_REVIEW")).path("request");
    assertThat(req.path("uid").asText()).isEqualTo(env.get("ENDPOINTSLICE_UID"));
    assertThat(req.path("resource").path("group").asText()).isEqualTo("discovery.k8s.io");
    assertThat(req.path("resource").path("resource").asText()).isEqualTo("endpointslices");
    assertThat(req.path("object").path("kind").asText()).isEqualTo("EndpointSlice");
    assertThat(req.path("object").path("apiVersion").asText()).isEqualTo("discovery.k8s.io/v1");
    assertThat(req.path("object").path("addressType").asText()).isEqualTo("IPv4");
    assertThat(CONTROL_PLANE_USERS).doesNotContain(req.path("userInfo").path("username").asText());
    assertThat(String.join("\n", c.getArgs()))
        .contains("$ENDPOINTSLICES_URL", "$ENDPOINTSLICE_UID");

    // not posted when the hook is not registered
    Container without =
        Helm.render(args(NEW_KUBE, "--set", "webhooks.endpointSlices.enabled=false"))
            .all(Pod.class)
            .get(0)
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(without.getEnv()).extracting(EnvVar::getName).doesNotContain("ENDPOINTSLICES_URL");
  }
}
