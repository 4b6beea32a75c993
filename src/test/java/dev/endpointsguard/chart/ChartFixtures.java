package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shared renders and helpers of the chart tests. Every render runs the real helm binary ({@link
 * HelmBinary}); each distinct argument list is rendered once per JVM ({@link Helm#template}), so
 * the test classes share the renders.
 */
final class ChartFixtures {

  private ChartFixtures() {}

  static final String[] NEW_KUBE = {"--kube-version", "1.31.0"};
  static final String[] OLD_KUBE = {"--kube-version", "1.29.0"};

  static final List<String> CONTROL_PLANE_USERS =
      List.of(
          "system:apiserver",
          "system:kube-controller-manager",
          "system:serviceaccount:kube-system:endpoint-controller",
          "system:serviceaccount:kube-system:endpointslice-controller",
          "system:serviceaccount:kube-system:endpointslicemirroring-controller");
  static final String OWN_SA_USER = "system:serviceaccount:" + NAMESPACE + ":" + RELEASE;

  static final String EXISTING_CA_PEM =
      "-----BEGIN CERTIFICATE-----\nMIIBdummyCAforTests\n-----END CERTIFICATE-----\n";
  static final String EXISTING_CA_B64 =
      Base64.getEncoder().encodeToString(EXISTING_CA_PEM.getBytes(StandardCharsets.US_ASCII));

  static String[] args(String[] kube, String... more) {
    return Stream.concat(Stream.of(kube), Stream.of(more)).toArray(String[]::new);
  }

  /** cert-manager certificates, a NetworkPolicy that admits a metrics namespace, reconciler off. */
  static String[] certManagerArgs() {
    return args(
        NEW_KUBE,
        "--set",
        "certificates.mode=cert-manager",
        "--set",
        "networkPolicy.enabled=true",
        "--set",
        "metrics.serviceMonitor.enabled=true",
        "--set",
        "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
        "--set",
        "reconciler.mode=off");
  }

  /** The certificate from an existing Secret with its CA bundle, reconciler for every Service. */
  static String[] existingSecretArgs() {
    return args(
        NEW_KUBE,
        "--set",
        "certificates.mode=existing-secret",
        "--set",
        "certificates.existingSecret.name=my-webhook-tls",
        "--set",
        "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
        "--set",
        "reconciler.mode=all");
  }

  static Manifests defaults() {
    return Helm.render(NEW_KUBE);
  }

  static Manifests oldKube() {
    return Helm.render(OLD_KUBE);
  }

  static Manifests certManager() {
    return Helm.render(certManagerArgs());
  }

  static Manifests existingSecret() {
    return Helm.render(existingSecretArgs());
  }

  static Manifests configured() {
    return Helm.render(
        args(
            NEW_KUBE,
            "--set",
            "rules.service-missing=warn",
            "--set",
            "rules.ip-foreign-pod=off",
            "--set",
            "trustedUsers={alice,system:serviceaccount:ops:deployer}",
            "--set",
            "ip.reservedCidrs={100.64.0.0/10,fd00:ec2::254/128}",
            "--set",
            "ip.deniedCidrs={10.0.0.0/8}",
            "--set",
            "ip.allowedCidrs={192.168.0.0/16,2001:db8::/32}",
            "--set",
            "sessionAffinity.default=ClientIP",
            "--set",
            "sessionAffinity.timeoutSeconds=3600",
            "--set",
            "shutdown.delaySeconds=20",
            "--set",
            "image.flavor=jvm",
            "--set",
            "admission.memoryBudget=96M",
            "--set",
            "webhooks.timeoutSeconds=7",
            "--set",
            "webhooks.endpoints.failurePolicy=Ignore",
            "--set",
            "webhooks.services.failurePolicy=Fail",
            "--set",
            "webhooks.mutateServices.failurePolicy=Fail"));
  }

  /** Every combination the tests use, for checks that apply to all of them. */
  static Stream<Arguments> allRenders() {
    return Stream.of(
        Arguments.of("defaults (k8s 1.31)", (Object) NEW_KUBE),
        Arguments.of("k8s 1.29", (Object) OLD_KUBE),
        Arguments.of(
            "cert-manager + netpol + servicemonitor + reconciler off",
            (Object)
                args(
                    NEW_KUBE,
                    "--set",
                    "certificates.mode=cert-manager",
                    "--set",
                    "networkPolicy.enabled=true",
                    "--set",
                    "metrics.serviceMonitor.enabled=true",
                    "--set",
                    "metrics.prometheusRule.enabled=true",
                    "--set",
                    "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
                    "--set",
                    "reconciler.mode=off")),
        Arguments.of("existing-secret + reconciler all", (Object) existingSecretArgs()));
  }

  static ValidatingWebhook validating(Manifests m, String name) {
    return m.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
        .filter(w -> w.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no webhook " + name));
  }

  static MutatingWebhook mutating(Manifests m) {
    return m.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
  }

  static List<WebhookClientConfig> clientConfigs(Manifests m) {
    List<WebhookClientConfig> out = new ArrayList<>();
    m.all(ValidatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> out.add(w.getClientConfig())));
    m.all(MutatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> out.add(w.getClientConfig())));
    return out;
  }

  static List<List<MatchCondition>> allMatchConditions(Manifests m) {
    List<List<MatchCondition>> out = new ArrayList<>();
    m.all(ValidatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> out.add(w.getMatchConditions())));
    m.all(MutatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> out.add(w.getMatchConditions())));
    return out;
  }

  static List<Map<String, String>> webhookConfigAnnotations(Manifests m) {
    return Stream.concat(
            m.all(ValidatingWebhookConfiguration.class).stream(),
            m.all(MutatingWebhookConfiguration.class).stream())
        .map(
            o ->
                o.getMetadata().getAnnotations() == null
                    ? Map.<String, String>of()
                    : o.getMetadata().getAnnotations())
        .toList();
  }

  static Container container(Manifests m) {
    List<Container> cs = m.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers();
    assertThat(cs).hasSize(1);
    return cs.get(0);
  }

  static Map<String, String> env(Manifests m) {
    return container(m).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static String serviceAccountName(Manifests m) {
    return m.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  static int containerPort(Manifests m, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container(m).getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
        .getContainerPort();
  }

  static VolumeMount mount(Container c, String path) {
    return c.getVolumeMounts().stream()
        .filter(v -> v.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static List<String> verbsFor(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .distinct()
        .toList();
  }

  static void assertNoWildcards(List<PolicyRule> rules) {
    assertThat(rules)
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*").noneMatch(s -> s.contains("/"));
              assertThat(r.getApiGroups()).doesNotContain("*");
              assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            });
  }

  static void assertBinding(Manifests m, String boundRole, String roleName) {
    assertThat(boundRole).isEqualTo(roleName);
    ClusterRoleBinding crb = m.one(ClusterRoleBinding.class);
    assertThat(crb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo(serviceAccountName(m));
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  static NetworkPolicyIngressRule ingressRuleFor(NetworkPolicy np, int port) {
    List<NetworkPolicyIngressRule> rules =
        np.getSpec().getIngress().stream()
            .filter(
                r ->
                    r.getPorts().stream()
                        .anyMatch(p -> Objects.equals(p.getPort().getIntVal(), port)))
            .toList();
    assertThat(rules).as("ingress rules for port " + port).hasSize(1);
    return rules.get(0);
  }

  static GenericKubernetesResource generic(HasMetadata o) {
    assertThat(o).isInstanceOf(GenericKubernetesResource.class);
    return (GenericKubernetesResource) o;
  }

  static X509Certificate x509(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  static String sha256Hex(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** The metric families the application exports (docs/observability.md), as PromQL sees them. */
  static final List<String> EXPORTED_METRICS =
      List.of(
          "endpoints_guard_admission_requests_total",
          "endpoints_guard_admission_duration_seconds_bucket",
          "endpoints_guard_admission_duration_seconds_count",
          "endpoints_guard_admission_duration_seconds_sum",
          "endpoints_guard_findings_total",
          "endpoints_guard_reconcile_total",
          "endpoints_guard_reconcile_duration_seconds_bucket",
          "endpoints_guard_tls_certificate_expiry_seconds",
          "endpoints_guard_admission_shed_total",
          "endpoints_guard_audit_violations",
          "endpoints_guard_audit_runs_total",
          "endpoints_guard_confirmations_total",
          "endpoints_guard_tls_reloads_total");

  /** Alert name to expression, from the one PrometheusRule. */
  static Map<String, String> alerts(Manifests m) {
    GenericKubernetesResource rule = generic(m.kind("PrometheusRule").get(0));
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    Map<String, String> exprs = new java.util.LinkedHashMap<>();
    for (Object group : (List<?>) rule.get("spec", "groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) group).get("rules")) {
        Map<?, ?> alert = (Map<?, ?>) r;
        assertThat(alert.get("for"))
            .as("%s fires only after a while", alert.get("alert"))
            .isNotNull();
        assertThat(((Map<?, ?>) alert.get("labels")).get("severity"))
            .as("%s severity", alert.get("alert"))
            .isNotNull();
        exprs.put((String) alert.get("alert"), (String) alert.get("expr"));
      }
    }
    return exprs;
  }

  /**
   * NOTES.txt as rendered for the default install. Helm 4 renders it with {@code install
   * --dry-run=client} offline; Helm 3 needs a reachable cluster for that, so there the NOTES
   * template is rendered through {@code tpl} into a ConfigMap of a scratch copy of the chart.
   */
  static String renderNotes() throws IOException {
    Helm.Result r =
        Helm.run(
            List.of(
                "install",
                RELEASE,
                Helm.CHART.toString(),
                "--namespace",
                NAMESPACE,
                "--dry-run=client"));
    if (r.exitCode() == 0) {
      return r.stdout().substring(r.stdout().indexOf("NOTES:"));
    }
    assertThat(r.stderr()).as(r.describe()).contains("cluster unreachable");
    Path copy = Path.of("target", "chart-test", "notes-chart").toAbsolutePath();
    if (Files.exists(copy)) {
      try (var walk = Files.walk(copy)) {
        for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (var walk = Files.walk(Helm.CHART)) {
      for (Path src : walk.toList()) {
        Path dst = copy.resolve(Helm.CHART.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst);
        }
      }
    }
    Files.createDirectories(copy.resolve("files"));
    Files.move(copy.resolve("templates/NOTES.txt"), copy.resolve("files/NOTES.txt"));
    Files.writeString(
        copy.resolve("templates/zz-notes.yaml"),
        """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: rendered-notes
                data:
                  notes: {{ tpl (.Files.Get "files/NOTES.txt") . | toJson }}
                """);
    Helm.Result t =
        Helm.run(
            List.of(
                "template",
                RELEASE,
                copy.toString(),
                "--namespace",
                NAMESPACE,
                "--show-only",
                "templates/zz-notes.yaml"));
    assertThat(t.exitCode()).as(t.describe()).isZero();
    io.fabric8.kubernetes.api.model.ConfigMap cm =
        (io.fabric8.kubernetes.api.model.ConfigMap) Helm.parseAll(t.stdout()).get(0);
    return cm.getData().get("notes");
  }

  /**
   * Renders a scratch copy of the chart in which the helm-mode Secret "found in the cluster" is
   * {@code secretJson} (offline, {@code lookup} finds nothing, so the copy replaces the lookup in
   * the helper that wraps it).
   */
  static Manifests renderWithExistingTlsSecret(String caseName, String secretJson, String... extra)
      throws IOException {
    Path copy = copyChart("existing-secret-" + caseName);
    Path helpers = copy.resolve("templates/_helpers.tpl");
    String lookup =
        "{{- lookup \"v1\" \"Secret\" .Release.Namespace (include \"endpoints-guard.tlsSecretName\" .) | default dict | toJson }}";
    String text = Files.readString(helpers);
    assertThat(text).as("the lookup of the helm-mode Secret in _helpers.tpl").contains(lookup);
    Files.writeString(helpers, text.replace(lookup, secretJson));
    List<String> cmd =
        new ArrayList<>(List.of("template", RELEASE, copy.toString(), "--namespace", NAMESPACE));
    cmd.addAll(List.of(NEW_KUBE));
    cmd.addAll(List.of(extra));
    Helm.Result r = Helm.run(cmd);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return Manifests.parse(r.stdout());
  }

  /** A fresh copy of the chart under target/chart-test/NAME. */
  static Path copyChart(String name) throws IOException {
    Path copy = Path.of("target", "chart-test", name).toAbsolutePath();
    if (Files.exists(copy)) {
      try (var walk = Files.walk(copy)) {
        for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (var walk = Files.walk(Helm.CHART)) {
      for (Path src : walk.toList()) {
        Path dst = copy.resolve(Helm.CHART.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst);
        }
      }
    }
    return copy;
  }
}
