package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** templates/tests/: the `helm test` Pod and its script. */
class HelmTestPodTemplateTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("testPodModes")
    void helmTestPodPostsAnEndpointsWithoutServiceAndExpectsADenial(String mode, String[] args) throws Exception {
        Manifests m = Helm.render(args);
        Pod pod = m.all(Pod.class).stream().filter(p -> p.getMetadata().getAnnotations() != null
                && "test".equals(p.getMetadata().getAnnotations().get("helm.sh/hook"))).findFirst().orElseThrow();
        Container c = pod.getSpec().getContainers().get(0);
        Map<String, String> env = c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
        assertThat(env.get("WEBHOOK_URL")).isEqualTo("https://" + svc + "." + NAMESPACE + ".svc:443/validate/endpoints");

        JsonNode review = new ObjectMapper().readTree(env.get("REVIEW"));
        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
        JsonNode req = review.path("request");
        assertThat(req.path("uid").asText()).isNotBlank();
        assertThat(req.path("operation").asText()).isEqualTo("CREATE");
        assertThat(req.path("object").path("kind").asText()).isEqualTo("Endpoints");
        String name = req.path("object").path("metadata").path("name").asText();
        assertThat(req.path("name").asText()).isEqualTo(name);
        assertThat(m.all(Service.class)).extracting(s -> s.getMetadata().getName()).doesNotContain(name);
        assertThat(CONTROL_PLANE_USERS).doesNotContain(req.path("userInfo").path("username").asText());

        String script = String.join("\n", c.getArgs());
        assertThat(script).contains("--cacert").contains("\"allowed\":false").contains("$WEBHOOK_URL");
        if (mode.equals("existing-secret")) {
            assertThat(env.get("CA_PEM")).isEqualTo(EXISTING_CA_PEM);
        } else {
            Volume ca = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
            assertThat(ca.getSecret().getSecretName()).isEqualTo(volume(m.one(Deployment.class).getSpec().getTemplate().getSpec(),
                    mount(container(m), "/etc/endpoints-guard/tls").getName()).getSecret().getSecretName());
            assertThat(ca.getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("ca.crt");
        }
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    static Stream<Arguments> testPodScriptCases() {
        String denied = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"u\","
                + "\"allowed\": false,\"status\":{\"code\":403,\"reason\":\"Forbidden\",\"message\":"
                + "\"Endpoints \\\"ns/x\\\" denied: [service-missing] no Service\"}}}";
        String allowed = "{\"response\":{\"uid\":\"u\",\"allowed\":true,\"warnings\":[\"[service-missing] no Service\"]}}";
        String notSynced = "{\"response\":{\"uid\":\"u\",\"allowed\":false,\"status\":{\"code\":503,\"message\":\"retry\"}}}";
        return Stream.of(
                Arguments.of("denied by service-missing", denied, 0, true),
                Arguments.of("allowed", allowed, 0, false),
                Arguments.of("denied for another reason", notSynced, 0, false),
                Arguments.of("curl fails", "", 7, false));
    }

    /** Runs the helm-test Pod's shell script locally with a fake curl, to prove it can pass and fail. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("testPodScriptCases")
    void helmTestScriptPassesOnlyOnTheExpectedDenial(String label, String response, int curlExit, boolean pass) throws Exception {
        Path sh = Path.of("/bin/sh");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(sh), "needs /bin/sh");
        Manifests m = Helm.render(NEW_KUBE);
        Pod pod = m.all(Pod.class).get(0);
        Container c = pod.getSpec().getContainers().get(0);
        Path dir = Files.createDirectories(Path.of("target", "chart-test", "fake-bin")).toAbsolutePath();
        Path curl = dir.resolve("curl");
        Files.writeString(curl, "#!/bin/sh\nprintf '%s' \"$FAKE_RESPONSE\"\nexit \"$FAKE_RC\"\n");
        assertThat(curl.toFile().setExecutable(true)).isTrue();
        List<String> cmd = new ArrayList<>(c.getCommand());
        cmd.addAll(c.getArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> pb.environment().put(e.getName(), e.getValue()));
        pb.environment().put("FAKE_RESPONSE", response);
        pb.environment().put("FAKE_RC", Integer.toString(curlExit));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(pass ? 0 : 1);
    }

    static Stream<Arguments> testPodModes() {
        return Stream.of(Arguments.of("helm", (Object) NEW_KUBE),
                Arguments.of("cert-manager", (Object) args(NEW_KUBE, "--set", "certificates.mode=cert-manager",
                        "--set", "networkPolicy.enabled=true", "--set", "metrics.serviceMonitor.enabled=true",
                        "--set", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
                        "--set", "reconciler.mode=off")),
                Arguments.of("existing-secret", (Object) args(NEW_KUBE, "--set", "certificates.mode=existing-secret",
                        "--set", "certificates.existingSecret.name=my-webhook-tls",
                        "--set", "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
                        "--set", "reconciler.mode=all")));
    }
}
