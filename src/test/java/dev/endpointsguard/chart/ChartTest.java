package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the chart with the real helm binary ({@link HelmBinary}) and checks the manifests against
 * the product contract. Each distinct argument list is rendered once ({@link Helm#template}).
 */
class ChartTest {

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

  static Manifests defaults() {
    return Helm.render(NEW_KUBE);
  }

  static Manifests oldKube() {
    return Helm.render(OLD_KUBE);
  }

  static Manifests certManager() {
    return Helm.render(
        args(
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
            "reconciler.mode=off"));
  }

  static Manifests existingSecret() {
    return Helm.render(
        args(
            NEW_KUBE,
            "--set",
            "certificates.mode=existing-secret",
            "--set",
            "certificates.existingSecret.name=my-webhook-tls",
            "--set",
            "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
            "--set",
            "reconciler.mode=all"));
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
        Arguments.of(
            "existing-secret + reconciler all",
            (Object)
                args(
                    NEW_KUBE,
                    "--set",
                    "certificates.mode=existing-secret",
                    "--set",
                    "certificates.existingSecret.name=my-webhook-tls",
                    "--set",
                    "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
                    "--set",
                    "reconciler.mode=all")));
  }

  // ------------------------------------------------------------------------------------------ lint

  @Test
  void lintStrictPassesForEveryCertificateMode() {
    for (List<String> extra :
        List.of(
            List.<String>of(),
            List.of("--set", "certificates.mode=cert-manager"),
            List.of(
                "--set",
                "certificates.mode=existing-secret",
                "--set",
                "certificates.existingSecret.name=x",
                "--set",
                "certificates.existingSecret.caBundle=" + EXISTING_CA_B64))) {
      List<String> cmd = new ArrayList<>(List.of("lint", "--strict", Helm.CHART.toString()));
      cmd.addAll(extra);
      Helm.Result r = Helm.run(cmd);
      assertThat(r.exitCode()).as(r.describe() + "\n" + r.stdout()).isZero();
      assertThat(r.stdout()).contains("0 chart(s) failed");
    }
  }

  // ------------------------------------------------------------------------------------------
  // webhooks

  @Test
  void webhookPathsAndServiceMatchTheContract() {
    Manifests m = defaults();
    ValidatingWebhookConfiguration vwc = m.one(ValidatingWebhookConfiguration.class);
    MutatingWebhookConfiguration mwc = m.one(MutatingWebhookConfiguration.class);

    assertThat(vwc.getWebhooks())
        .extracting(ValidatingWebhook::getName)
        .containsExactly("endpoints.endpoints-guard.dev", "services.endpoints-guard.dev");
    assertThat(mwc.getWebhooks())
        .extracting(MutatingWebhook::getName)
        .containsExactly("mutate-services.endpoints-guard.dev");

    ValidatingWebhook ep = validating(m, "endpoints.endpoints-guard.dev");
    ValidatingWebhook svc = validating(m, "services.endpoints-guard.dev");
    MutatingWebhook mut = mwc.getWebhooks().get(0);
    assertThat(ep.getClientConfig().getService().getPath()).isEqualTo("/validate/endpoints");
    assertThat(svc.getClientConfig().getService().getPath()).isEqualTo("/validate/services");
    assertThat(mut.getClientConfig().getService().getPath()).isEqualTo("/mutate/services");
    assertThat(ep.getRules())
        .flatExtracting(RuleWithOperations::getResources)
        .containsExactly("endpoints");
    assertThat(svc.getRules())
        .flatExtracting(RuleWithOperations::getResources)
        .containsExactly("services");
    assertThat(mut.getRules())
        .flatExtracting(RuleWithOperations::getResources)
        .containsExactly("services");

    // clientConfig -> Service :443 -> targetPort -> container port 8443 (HTTPS)
    Service service = m.named(Service.class, RELEASE).orElseThrow();
    ServicePort port =
        service.getSpec().getPorts().stream()
            .filter(p -> p.getPort() == 443)
            .findFirst()
            .orElseThrow();
    assertThat(service.getSpec().getPorts()).hasSize(1);
    assertThat(containerPort(m, port.getTargetPort())).isEqualTo(8443);
    assertThat(service.getSpec().getSelector()).isNotEmpty();
    assertThat(m.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    for (WebhookClientConfig cc : clientConfigs(m)) {
      assertThat(cc.getUrl()).isNull();
      assertThat(cc.getService().getName()).isEqualTo(service.getMetadata().getName());
      assertThat(cc.getService().getNamespace()).isEqualTo(NAMESPACE);
      assertThat(cc.getService().getPort()).isEqualTo(443);
    }

    for (ValidatingWebhook w : vwc.getWebhooks()) {
      assertThat(w.getAdmissionReviewVersions()).containsExactly("v1", "v1beta1");
      assertThat(w.getSideEffects()).isEqualTo("None");
      assertThat(w.getTimeoutSeconds()).isEqualTo(3);
      assertThat(w.getMatchPolicy()).isEqualTo("Equivalent");
    }
    assertThat(mut.getAdmissionReviewVersions()).containsExactly("v1", "v1beta1");
    assertThat(mut.getSideEffects()).isEqualTo("None");
    assertThat(mut.getTimeoutSeconds()).isEqualTo(3);
    assertThat(mut.getMatchPolicy()).isEqualTo("Equivalent");
    assertThat(mut.getReinvocationPolicy()).isEqualTo("IfNeeded");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allRenders")
  void rulesAreOnlyCreateAndUpdateOnTheMainResource(String label, String[] args) {
    Manifests m = Helm.render(args);
    List<RuleWithOperations> rules = new ArrayList<>();
    m.all(ValidatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
    m.all(MutatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
    assertThat(rules).hasSize(3);
    for (RuleWithOperations r : rules) {
      assertThat(r.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
      assertThat(r.getApiGroups()).containsExactly("");
      assertThat(r.getApiVersions()).containsExactly("v1");
      assertThat(r.getResources())
          .hasSize(1)
          .allSatisfy(
              res -> {
                assertThat(res).doesNotContain("/").doesNotContain("*");
                assertThat(res).isIn("endpoints", "services");
              });
    }
  }

  @Test
  void namespaceSelectorExcludesSystemNamespacesAndTheReleaseNamespace() {
    for (Manifests m :
        List.of(defaults(), Helm.render(args(NEW_KUBE, "--namespace", "guard-system")))) {
      String releaseNs = m.one(Deployment.class).getMetadata().getNamespace();
      for (var selector :
          Stream.concat(
                  m.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
                      .map(ValidatingWebhook::getNamespaceSelector),
                  m.one(MutatingWebhookConfiguration.class).getWebhooks().stream()
                      .map(MutatingWebhook::getNamespaceSelector))
              .toList()) {
        assertThat(selector.getMatchLabels()).isNullOrEmpty();
        LabelSelectorRequirement req =
            selector.getMatchExpressions().stream()
                .filter(e -> e.getKey().equals("kubernetes.io/metadata.name"))
                .findFirst()
                .orElseThrow();
        assertThat(req.getOperator()).isEqualTo("NotIn");
        assertThat(req.getValues())
            .containsExactlyInAnyOrder("kube-system", "kube-node-lease", releaseNs);
      }
    }
    assertThat(
            Helm.render(args(NEW_KUBE, "--namespace", "guard-system"))
                .one(Deployment.class)
                .getMetadata()
                .getNamespace())
        .isEqualTo("guard-system");
  }

  @Test
  void matchConditionsSkipTrustedIdentitiesOnNewClusters() {
    Manifests m = defaults();
    for (List<MatchCondition> conditions : allMatchConditions(m)) {
      MatchCondition trusted =
          conditions.stream()
              .filter(c -> c.getName().equals("skip-trusted-users"))
              .findFirst()
              .orElseThrow();
      assertThat(trusted.getExpression()).startsWith("!(request.userInfo.username in [");
      for (String user : CONTROL_PLANE_USERS) {
        assertThat(trusted.getExpression()).contains("'" + user + "'");
      }
      assertThat(trusted.getExpression()).contains("'" + OWN_SA_USER + "'");
    }
    assertThat(validating(m, "endpoints.endpoints-guard.dev").getMatchConditions())
        .extracting(MatchCondition::getExpression)
        .contains("!(request.namespace == 'default' && request.name == 'kubernetes')");

    assertThat(validating(m, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Fail");
    assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");
    assertThat(mutating(m).getFailurePolicy()).isEqualTo("Ignore");
  }

  @Test
  void oldClustersGetNoMatchConditionsAndTheSafeEndpointsFailurePolicy() {
    Manifests m = oldKube();
    assertThat(allMatchConditions(m)).allSatisfy(c -> assertThat(c).isNullOrEmpty());
    assertThat(validating(m, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");
    assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");
    assertThat(mutating(m).getFailurePolicy()).isEqualTo("Ignore");

    // the user can force fail-closed anyway
    Manifests forced =
        Helm.render(
            args(OLD_KUBE, "--set", "webhooks.endpoints.failurePolicyWithoutMatchConditions=Fail"));
    assertThat(validating(forced, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Fail");
  }

  @Test
  void matchConditionsCanBeForcedEitherWay() {
    Manifests off = Helm.render(args(NEW_KUBE, "--set", "webhooks.matchConditions.enabled=false"));
    assertThat(allMatchConditions(off)).allSatisfy(c -> assertThat(c).isNullOrEmpty());
    assertThat(validating(off, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");

    Manifests on = Helm.render(args(OLD_KUBE, "--set", "webhooks.matchConditions.enabled=true"));
    assertThat(allMatchConditions(on)).hasSize(3).allSatisfy(c -> assertThat(c).isNotEmpty());
    assertThat(validating(on, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Fail");
  }

  @Test
  void failurePoliciesTimeoutAndTrustedUsersAreConfigurable() {
    Manifests m = configured();
    assertThat(validating(m, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");
    assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Fail");
    assertThat(mutating(m).getFailurePolicy()).isEqualTo("Fail");
    assertThat(m.one(ValidatingWebhookConfiguration.class).getWebhooks())
        .allSatisfy(w -> assertThat(w.getTimeoutSeconds()).isEqualTo(7));
    assertThat(mutating(m).getTimeoutSeconds()).isEqualTo(7);

    // trustedUsers replaces the default list, in the app (env) and in the matchConditions alike
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_TRUSTED_USERS", "alice,system:serviceaccount:ops:deployer");
    for (List<MatchCondition> conditions : allMatchConditions(m)) {
      String expr =
          conditions.stream()
              .filter(c -> c.getName().equals("skip-trusted-users"))
              .findFirst()
              .orElseThrow()
              .getExpression();
      assertThat(expr)
          .isEqualTo(
              "!(request.userInfo.username in ['alice', 'system:serviceaccount:ops:deployer'])");
    }
  }

  // ------------------------------------------------------------------------------------------ RBAC

  @Test
  void rbacWithReconcilerOffIsReadOnlyAndHasNoLeaseRole() {
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "reconciler.mode=off"));
    ClusterRole role = m.one(ClusterRole.class);
    assertNoWildcards(role.getRules());
    assertThat(verbsFor(role.getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch");
    for (String res : List.of("services", "pods", "namespaces")) {
      assertThat(verbsFor(role.getRules(), "", res))
          .as(res)
          .containsExactlyInAnyOrder("list", "watch");
    }
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getResources)
        .containsOnly("services", "pods", "namespaces", "endpoints");
    assertThat(m.all(Role.class)).isEmpty();
    assertThat(m.all(RoleBinding.class)).isEmpty();
    assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", "off");
    assertBinding(
        m, m.one(ClusterRoleBinding.class).getRoleRef().getName(), role.getMetadata().getName());
  }

  @ParameterizedTest
  @MethodSource("reconcilerModes")
  void rbacWithReconcilerOnWritesEndpointsAndUsesALeaseRole(String mode, String[] args) {
    Manifests m = Helm.render(args);
    ClusterRole role = m.one(ClusterRole.class);
    assertNoWildcards(role.getRules());
    assertThat(verbsFor(role.getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch", "get", "create", "update", "delete");
    for (String res : List.of("services", "pods", "namespaces")) {
      assertThat(verbsFor(role.getRules(), "", res))
          .as(res)
          .containsExactlyInAnyOrder("list", "watch");
    }
    Role lease = m.one(Role.class);
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertNoWildcards(lease.getRules());
    assertThat(lease.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
            });
    assertThat(verbsFor(lease.getRules(), "coordination.k8s.io", "leases"))
        .containsExactlyInAnyOrder("get", "create", "update", "patch");
    // get/update/patch (fabric8's LeaseLock renews with a PATCH) are limited to the reconciler's
    // Lease;
    // create cannot be limited by name
    assertThat(lease.getRules())
        .filteredOn(r -> r.getVerbs().contains("update"))
        .allSatisfy(
            r -> assertThat(r.getResourceNames()).containsExactly("endpoints-guard-reconciler"));
    RoleBinding rb = m.one(RoleBinding.class);
    assertThat(rb.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
    assertThat(rb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(serviceAccountName(m));
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", mode);
    assertBinding(
        m, m.one(ClusterRoleBinding.class).getRoleRef().getName(), role.getMetadata().getName());
  }

  static Stream<Arguments> reconcilerModes() {
    return Stream.of(
        Arguments.of("annotated", (Object) NEW_KUBE),
        Arguments.of(
            "all",
            (Object)
                args(
                    NEW_KUBE,
                    "--set",
                    "certificates.mode=existing-secret",
                    "--set",
                    "certificates.existingSecret.name=my-webhook-tls",
                    "--set",
                    "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
                    "--set",
                    "reconciler.mode=all")));
  }

  @Test
  void unquotedYamlOffMeansOff() throws IOException {
    // YAML 1.1 reads `off` as false; the chart must still mean "off"
    Path values = Files.createDirectories(Path.of("target", "chart-test")).resolve("yaml-off.yaml");
    Files.writeString(values, "reconciler:\n  mode: off\nrules:\n  service-missing: off\n");
    Manifests m = Helm.render(args(NEW_KUBE, "-f", values.toAbsolutePath().toString()));
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", "off")
        .containsEntry("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "off");
    assertThat(m.all(Role.class)).isEmpty();
    assertThat(verbsFor(m.one(ClusterRole.class).getRules(), "", "endpoints"))
        .containsExactlyInAnyOrder("list", "watch");
  }

  // ------------------------------------------------------------------------------------------
  // workload

  @Test
  void deploymentIsHardenedAndHighlyAvailable() {
    Manifests m = defaults();
    Deployment d = m.one(Deployment.class);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = container(m);

    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);

    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKey("memory");

    // probes on the management port 9000
    for (Probe p : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
      assertThat(p).isNotNull();
      assertThat(containerPort(m, p.getHttpGet().getPort())).isEqualTo(9000);
      assertThat(p.getHttpGet().getScheme()).isIn(null, "HTTP");
    }
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getPorts())
        .extracting(ContainerPort::getContainerPort)
        .containsExactlyInAnyOrder(8443, 9000);

    // Downward API
    Map<String, EnvVar> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("SERVICE_ACCOUNT_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("spec.serviceAccountName");
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_CLUSTER_SOURCE", "kubernetes")
        .containsEntry("ENDPOINTS_GUARD_TLS_CERT_FILE", "/etc/endpoints-guard/tls/tls.crt")
        .containsEntry("ENDPOINTS_GUARD_TLS_KEY_FILE", "/etc/endpoints-guard/tls/tls.key")
        .containsEntry("ENDPOINTS_GUARD_RECONCILER_MODE", "annotated")
        // unset values leave the application defaults alone
        .doesNotContainKeys(
            "ENDPOINTS_GUARD_TRUSTED_USERS",
            "ENDPOINTS_GUARD_IP_RESERVED_CIDRS",
            "ENDPOINTS_GUARD_IP_DENIED_CIDRS",
            "ENDPOINTS_GUARD_IP_ALLOWED_CIDRS",
            "ENDPOINTS_GUARD_SESSION_AFFINITY_DEFAULT",
            "ENDPOINTS_GUARD_SESSION_AFFINITY_TIMEOUT_SECONDS",
            "ENDPOINTS_GUARD_ADMISSION_MEMORY_BUDGET");
    assertThat(env(m).keySet()).noneMatch(k -> k.startsWith("ENDPOINTS_GUARD_RULES_"));

    // TLS Secret read-only at /etc/endpoints-guard/tls, writable /tmp
    VolumeMount tls = mount(c, "/etc/endpoints-guard/tls");
    assertThat(tls.getReadOnly()).isTrue();
    assertThat(tls.getSubPath()).as("subPath mounts never see Secret updates").isNull();
    Volume tlsVolume = volume(pod, tls.getName());
    assertThat(tlsVolume.getSecret().getSecretName())
        .isEqualTo(m.one(Secret.class).getMetadata().getName());
    assertThat(volume(pod, mount(c, "/tmp").getName()).getEmptyDir()).isNotNull();
    assertThat(mount(c, "/tmp").getReadOnly()).isNotEqualTo(Boolean.TRUE);

    // graceful shutdown
    assertThat(env(m))
        .containsEntry("QUARKUS_SHUTDOWN_DELAY", "5s")
        .containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "10s");
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(5L + 10L);

    // ServiceAccount
    ServiceAccount sa = m.one(ServiceAccount.class);
    assertThat(pod.getServiceAccountName()).isEqualTo(sa.getMetadata().getName());

    // anti-affinity and PDB
    var anti = pod.getAffinity().getPodAntiAffinity();
    assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
    assertThat(anti.getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                  .containsAllEntriesOf(t.getPodAffinityTerm().getLabelSelector().getMatchLabels());
            });
    PodDisruptionBudget pdb = m.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .isEqualTo(pdb.getSpec().getSelector().getMatchLabels());

    // default image is the native one at the chart's appVersion
    assertThat(c.getImage()).endsWith(":0.1.0-native");
  }

  @Test
  void valuesBecomeApplicationEnvironmentVariables() {
    Manifests m = configured();
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "warn")
        .containsEntry("ENDPOINTS_GUARD_RULES_IP_FOREIGN_POD", "off")
        .containsEntry("ENDPOINTS_GUARD_IP_RESERVED_CIDRS", "100.64.0.0/10,fd00:ec2::254/128")
        .containsEntry("ENDPOINTS_GUARD_IP_DENIED_CIDRS", "10.0.0.0/8")
        .containsEntry("ENDPOINTS_GUARD_IP_ALLOWED_CIDRS", "192.168.0.0/16,2001:db8::/32")
        .containsEntry("ENDPOINTS_GUARD_SESSION_AFFINITY_DEFAULT", "ClientIP")
        .containsEntry("ENDPOINTS_GUARD_SESSION_AFFINITY_TIMEOUT_SECONDS", "3600")
        .containsEntry("ENDPOINTS_GUARD_ADMISSION_MEMORY_BUDGET", "96M")
        .containsEntry("QUARKUS_SHUTDOWN_DELAY", "20s");
    assertThat(env(m).keySet().stream().filter(k -> k.startsWith("ENDPOINTS_GUARD_RULES_")))
        .containsExactlyInAnyOrder(
            "ENDPOINTS_GUARD_RULES_SERVICE_MISSING", "ENDPOINTS_GUARD_RULES_IP_FOREIGN_POD");
    PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(20L + 10L);
    // the JVM flavor: -jvm tag and the UBI OpenJDK image's uid
    assertThat(container(m).getImage()).endsWith(":0.1.0-jvm");
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
  }

  @Test
  void everyContractRuleIdIsAcceptedAndRendered() {
    List<String> ids =
        List.of(
            "service-missing",
            "service-has-selector",
            "service-external-name",
            "ip-invalid",
            "ip-reserved",
            "ip-cluster-ip",
            "ip-foreign-pod",
            "ip-denied-cidr",
            "ip-family-mismatch",
            "address-duplicate",
            "target-ref-invalid",
            "port-invalid",
            "port-name-duplicate",
            "port-unmatched",
            "service-port-uncovered",
            "subsets-empty",
            "over-capacity",
            "not-mirrored",
            "managed-endpoints-edited",
            "selector-overwrites-endpoints",
            "selector-removed",
            "selectorless-without-endpoints",
            "selector-annotation-invalid",
            "session-affinity-invalid",
            "session-affinity-ignored");
    List<String> a = new ArrayList<>(List.of(NEW_KUBE));
    for (String id : ids) {
      a.add("--set");
      a.add("rules." + id + "=warn");
    }
    Map<String, String> env = env(Helm.render(a.toArray(String[]::new)));
    for (String id : ids) {
      assertThat(env)
          .containsEntry("ENDPOINTS_GUARD_RULES_" + id.toUpperCase().replace('-', '_'), "warn");
    }
  }

  // ------------------------------------------------------------------------------------------
  // certificates

  @Test
  void helmModeGeneratesACaWhoseBundleMatchesTheSecret() throws Exception {
    Manifests m = defaults();
    Secret secret = m.one(Secret.class);
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
    String caB64 = secret.getData().get("ca.crt");
    String caPem = new String(Base64.getDecoder().decode(caB64), StandardCharsets.US_ASCII);
    assertThat(caPem).startsWith("-----BEGIN CERTIFICATE-----");

    for (WebhookClientConfig cc : clientConfigs(m)) {
      assertThat(cc.getCaBundle()).isEqualTo(caB64);
    }

    X509Certificate ca = x509(caPem);
    String crtPem =
        new String(
            Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
    X509Certificate crt = x509(crtPem);
    crt.verify(ca.getPublicKey()); // signed by the CA in the bundle
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    List<String> sans =
        crt.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
    String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
    assertThat(sans)
        .contains(
            svc,
            svc + "." + NAMESPACE,
            svc + "." + NAMESPACE + ".svc",
            svc + "." + NAMESPACE + ".svc.cluster.local");
    assertThat(
            new String(
                Base64.getDecoder().decode(secret.getData().get("tls.key")),
                StandardCharsets.US_ASCII))
        .contains("PRIVATE KEY");

    // pods roll only when the serving certificate changes
    String checksum =
        m.one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get("checksum/tls");
    assertThat(checksum).isEqualTo(sha256Hex(crtPem));

    assertThat(m.kind("Certificate")).isEmpty();
    assertThat(m.kind("Issuer")).isEmpty();
    assertThat(webhookConfigAnnotations(m))
        .allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void certManagerModeUsesACaChainAndCaInjection() {
    Manifests m = certManager();
    assertThat(m.all(Secret.class)).isEmpty();
    List<HasMetadata> certs = m.kind("Certificate");
    List<HasMetadata> issuers = m.kind("Issuer");
    assertThat(certs)
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isInstanceOf(GenericKubernetesResource.class));
    assertThat(issuers).hasSize(2);
    GenericKubernetesResource selfSigned =
        generic(
            issuers.stream()
                .filter(i -> generic(i).get("spec", "selfSigned") != null)
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource caCert =
        generic(
            certs.stream()
                .filter(c -> Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource caIssuer =
        generic(
            issuers.stream()
                .filter(i -> generic(i).get("spec", "ca") != null)
                .findFirst()
                .orElseThrow());
    GenericKubernetesResource serving =
        generic(
            certs.stream()
                .filter(c -> !Boolean.TRUE.equals(generic(c).get("spec", "isCA")))
                .findFirst()
                .orElseThrow());

    assertThat((String) caCert.get("spec", "issuerRef", "name"))
        .isEqualTo(selfSigned.getMetadata().getName());
    assertThat((String) caIssuer.get("spec", "ca", "secretName"))
        .isEqualTo(caCert.get("spec", "secretName"));
    assertThat((String) serving.get("spec", "issuerRef", "name"))
        .isEqualTo(caIssuer.getMetadata().getName());
    String svc = m.named(Service.class, RELEASE).orElseThrow().getMetadata().getName();
    assertThat((List<Object>) serving.get("spec", "dnsNames"))
        .containsExactlyInAnyOrder(
            svc,
            svc + "." + NAMESPACE,
            svc + "." + NAMESPACE + ".svc",
            svc + "." + NAMESPACE + ".svc.cluster.local");
    PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(
            volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName())
                .getSecret()
                .getSecretName())
        .isEqualTo(serving.get("spec", "secretName"));

    assertThat(webhookConfigAnnotations(m))
        .hasSize(2)
        .allSatisfy(
            a ->
                assertThat(a)
                    .containsEntry(
                        "cert-manager.io/inject-ca-from",
                        NAMESPACE + "/" + serving.getMetadata().getName()));
    assertThat(clientConfigs(m)).allSatisfy(cc -> assertThat(cc.getCaBundle()).isNull());
    Map<String, String> podAnnotations =
        m.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(podAnnotations == null ? Map.<String, String>of() : podAnnotations)
        .doesNotContainKey("checksum/tls");
  }

  @Test
  void certManagerModeCanUseAnExistingIssuer() {
    Manifests m =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "certificates.mode=cert-manager",
                "--set",
                "certificates.certManager.issuerRef.name=corp-ca",
                "--set",
                "certificates.certManager.issuerRef.kind=ClusterIssuer"));
    assertThat(m.kind("Issuer")).isEmpty();
    GenericKubernetesResource serving = generic(m.kind("Certificate").get(0));
    assertThat(m.kind("Certificate")).hasSize(1);
    assertThat((String) serving.get("spec", "issuerRef", "name")).isEqualTo("corp-ca");
    assertThat((String) serving.get("spec", "issuerRef", "kind")).isEqualTo("ClusterIssuer");
  }

  @Test
  void existingSecretModeUsesTheUsersSecretAndCaBundle() {
    Manifests m = existingSecret();
    assertThat(m.all(Secret.class)).isEmpty();
    assertThat(m.kind("Certificate")).isEmpty();
    assertThat(clientConfigs(m))
        .hasSize(3)
        .allSatisfy(cc -> assertThat(cc.getCaBundle()).isEqualTo(EXISTING_CA_B64));
    PodSpec pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(
            volume(pod, mount(container(m), "/etc/endpoints-guard/tls").getName())
                .getSecret()
                .getSecretName())
        .isEqualTo("my-webhook-tls");
    assertThat(webhookConfigAnnotations(m))
        .allSatisfy(a -> assertThat(a).doesNotContainKey("cert-manager.io/inject-ca-from"));
  }

  // ------------------------------------------------------------------------------------------
  // operability

  @Test
  void networkPolicyAndServiceMonitorAreOptIn() {
    Manifests plain = defaults();
    assertThat(plain.all(NetworkPolicy.class)).isEmpty();
    assertThat(plain.kind("ServiceMonitor")).isEmpty();
    assertThat(plain.all(Service.class)).hasSize(1);

    Manifests m = certManager();
    NetworkPolicy np = m.one(NetworkPolicy.class);
    assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(m.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(np.getSpec().getPodSelector().getMatchLabels());
    NetworkPolicyIngressRule webhook = ingressRuleFor(np, 8443);
    assertThat(webhook.getFrom())
        .as("API server source IPs vary: 8443 open to all")
        .isNullOrEmpty();
    NetworkPolicyIngressRule metrics = ingressRuleFor(np, 9000);
    assertThat(metrics.getFrom())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "monitoring"));
    assertThat(np.getSpec().getEgress())
        .anySatisfy(
            e ->
                assertThat(e.getPorts())
                    .extracting(p -> p.getPort().getIntVal())
                    .contains(443, 6443));

    // no metricsFrom: port 9000 is not opened to everybody
    NetworkPolicy closed =
        Helm.render(args(NEW_KUBE, "--set", "networkPolicy.enabled=true")).one(NetworkPolicy.class);
    assertThat(closed.getSpec().getIngress())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getPorts())
                    .extracting(p -> p.getPort().getIntVal())
                    .containsExactly(8443));

    GenericKubernetesResource sm = generic(m.kind("ServiceMonitor").get(0));
    assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    List<?> endpoints = (List<?>) sm.get("spec", "endpoints");
    assertThat(endpoints).hasSize(1);
    Map<?, ?> ep = (Map<?, ?>) endpoints.get(0);
    assertThat(ep.get("path")).isEqualTo("/q/metrics");
    @SuppressWarnings("unchecked")
    Map<String, String> smSelector =
        (Map<String, String>) sm.get("spec", "selector", "matchLabels");
    List<Service> selected =
        m.all(Service.class).stream()
            .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(smSelector.entrySet()))
            .toList();
    assertThat(selected).as("ServiceMonitor must select only the metrics Service").hasSize(1);
    ServicePort port =
        selected.get(0).getSpec().getPorts().stream()
            .filter(p -> p.getName().equals(ep.get("port")))
            .findFirst()
            .orElseThrow();
    assertThat(containerPort(m, port.getTargetPort())).isEqualTo(9000);
  }

  /**
   * The metric families the application exports (CONTRACT 7 plus the shed counter), as PromQL sees
   * them.
   */
  static final List<String> EXPORTED_METRICS =
      List.of(
          "endpoints_guard_admission_requests_total",
          "endpoints_guard_admission_duration_seconds_bucket",
          "endpoints_guard_findings_total",
          "endpoints_guard_reconcile_total",
          "endpoints_guard_reconcile_duration_seconds_bucket",
          "endpoints_guard_tls_certificate_expiry_seconds",
          "endpoints_guard_admission_shed_total");

  @Test
  void prometheusRuleIsOptInAndItsAlertsUseExportedMetricsOfTheScrapeJob() {
    assertThat(defaults().kind("PrometheusRule")).isEmpty();

    Manifests m =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "metrics.serviceMonitor.enabled=true",
                "--set",
                "metrics.prometheusRule.enabled=true",
                "--set",
                "metrics.prometheusRule.certificateExpiryDays=30"));
    Map<String, String> exprs = alerts(m);
    assertThat(exprs.keySet())
        .containsExactlyInAnyOrder(
            "EndpointsGuardDown",
            "EndpointsGuardCertificateExpiresSoon",
            "EndpointsGuardEvaluationErrors",
            "EndpointsGuardSlowAnswers",
            "EndpointsGuardSheddingLargeReviews",
            "EndpointsGuardReconcileErrors",
            "EndpointsGuardWebhookCallsFailing");
    String job =
        m.all(Service.class).stream()
            .map(s -> s.getMetadata().getName())
            .filter(n -> n.endsWith("-metrics"))
            .findFirst()
            .orElseThrow();
    exprs.forEach(
        (alert, expr) -> {
          java.util.regex.Matcher names =
              java.util.regex.Pattern.compile("endpoints_guard_[a-z_]+").matcher(expr);
          while (names.find()) {
            assertThat(EXPORTED_METRICS).as(alert).contains(names.group());
            assertThat(expr)
                .as(alert + " selects the ServiceMonitor's job")
                .contains("job=\"" + job + "\", namespace=\"" + NAMESPACE + "\"");
          }
        });
    assertThat(exprs.get("EndpointsGuardCertificateExpiresSoon")).endsWith("< 30 * 86400");
    // the API server names the webhooks as the chart registers them
    List<String> hooks =
        Stream.concat(
                m.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
                    .map(ValidatingWebhook::getName),
                m.one(MutatingWebhookConfiguration.class).getWebhooks().stream()
                    .map(MutatingWebhook::getName))
            .toList();
    String nameRegex =
        exprs
            .get("EndpointsGuardWebhookCallsFailing")
            .replaceAll("(?s).*name=~\"([^\"]+)\".*", "$1")
            .replace("\\\\", "\\");
    assertThat(hooks).isNotEmpty().allSatisfy(h -> assertThat(h).matches(nameRegex));

    // an own scrape job instead of the ServiceMonitor; without either the alerts would select
    // nothing
    Manifests own =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "metrics.prometheusRule.enabled=true",
                "--set",
                "reconciler.mode=off",
                "--set-string",
                "metrics.prometheusRule.selector=job=\"kubernetes-pods\"\\, app=\"endpoints-guard\""));
    assertThat(alerts(own))
        .doesNotContainKey("EndpointsGuardReconcileErrors")
        .containsEntry(
            "EndpointsGuardDown",
            "absent(up{job=\"kubernetes-pods\", app=\"endpoints-guard\"} == 1)");
    Helm.Result none =
        Helm.template(args(NEW_KUBE, "--set", "metrics.prometheusRule.enabled=true"));
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.stderr())
        .contains("metrics.prometheusRule needs metrics.serviceMonitor.enabled=true");
  }

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
    return Stream.of(
        Arguments.of("denied by service-missing", denied, 0, true),
        Arguments.of("allowed", allowed, 0, false),
        Arguments.of("denied for another reason", notSynced, 0, false),
        Arguments.of("curl fails", "", 7, false));
  }

  /**
   * Runs the helm-test Pod's shell script locally with a fake curl, to prove it can pass and fail.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("testPodScriptCases")
  void helmTestScriptPassesOnlyOnTheExpectedDenial(
      String label, String response, int curlExit, boolean pass) throws Exception {
    Path sh = Path.of("/bin/sh");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(sh), "needs /bin/sh");
    Manifests m = Helm.render(NEW_KUBE);
    Pod pod = m.all(Pod.class).get(0);
    Container c = pod.getSpec().getContainers().get(0);
    Path dir =
        Files.createDirectories(Path.of("target", "chart-test", "fake-bin")).toAbsolutePath();
    Path curl = dir.resolve("curl");
    Files.writeString(curl, "#!/bin/sh\nprintf '%s' \"$FAKE_RESPONSE\"\nexit \"$FAKE_RC\"\n");
    assertThat(curl.toFile().setExecutable(true)).isTrue();
    List<String> cmd = new ArrayList<>(c.getCommand());
    cmd.addAll(c.getArgs());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> pb.environment().put(e.getName(), e.getValue()));
    pb.environment().put("FAKE_RESPONSE", response);
    pb.environment().put("FAKE_RC", Integer.toString(curlExit));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(pass ? 0 : 1);
  }

  static Stream<Arguments> testPodModes() {
    return Stream.of(
        Arguments.of("helm", (Object) NEW_KUBE),
        Arguments.of(
            "cert-manager",
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
                    "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=monitoring",
                    "--set",
                    "reconciler.mode=off")),
        Arguments.of(
            "existing-secret",
            (Object)
                args(
                    NEW_KUBE,
                    "--set",
                    "certificates.mode=existing-secret",
                    "--set",
                    "certificates.existingSecret.name=my-webhook-tls",
                    "--set",
                    "certificates.existingSecret.caBundle=" + EXISTING_CA_B64,
                    "--set",
                    "reconciler.mode=all")));
  }

  @Test
  void notesExplainVerificationAndBreakGlass() throws IOException {
    String notes = renderNotes();
    assertThat(notes)
        .contains("kubectl get validatingwebhookconfiguration " + RELEASE)
        .contains("kind: Endpoints")
        .contains("kubectl delete validatingwebhookconfiguration " + RELEASE)
        .contains("kubectl delete mutatingwebhookconfiguration " + RELEASE)
        .contains("helm test " + RELEASE);
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("allRenders")
  void everyRenderedFieldIsKnownToTheKubernetesModel(String label, String[] args) {
    Manifests m = Helm.render(args);
    assertThat(m.all()).isNotEmpty();
    for (HasMetadata o : m.all()) {
      assertThat(ModelStrictness.unknownFields(o))
          .as(o.getKind() + " " + o.getMetadata().getName())
          .isEmpty();
      assertThat(o.getMetadata().getName()).isNotBlank().hasSizeLessThanOrEqualTo(63);
    }
  }

  // ------------------------------------------------------------------------------------------
  // schema

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("reconciler.mode=sometimes", "reconciler.mode"),
        Arguments.of("webhooks.timeoutSeconds=60", "webhooks.timeoutSeconds"),
        Arguments.of("webhooks.timeoutSeconds=0", "webhooks.timeoutSeconds"),
        Arguments.of("rules.service-missing=maybe", "rules.service-missing"),
        Arguments.of("rules.no-such-rule=warn", "no-such-rule"),
        Arguments.of("webhooks.endpoints.failurePolicy=fail", "webhooks.endpoints.failurePolicy"),
        Arguments.of("webhooks.services.failurePolicy=Open", "webhooks.services.failurePolicy"),
        Arguments.of("certificates.mode=self-signed", "certificates.mode"),
        Arguments.of("certificates.mode=existing-secret", "certificates.existingSecret"),
        Arguments.of("replicaCount=0", "replicaCount"),
        Arguments.of("sessionAffinity.timeoutSeconds=86401", "sessionAffinity.timeoutSeconds"),
        Arguments.of("sessionAffinity.default=Sticky", "sessionAffinity.default"),
        Arguments.of("ip.deniedCidrs={10.0.0.0/33}", "ip.deniedCidrs"),
        Arguments.of("ip.allowedCidrs={10.0.0.1}", "ip.allowedCidrs"),
        Arguments.of("image.flavor=graal", "image.flavor"),
        Arguments.of("admission.memoryBudget=lots", "admission.memoryBudget"),
        Arguments.of("admission.memoryBudget=100%", "admission.memoryBudget"),
        Arguments.of(
            "metrics.prometheusRule.certificateExpiryDays=0",
            "metrics.prometheusRule.certificateExpiryDays"),
        Arguments.of("metrics.prometheusRule.selector={job}", "metrics.prometheusRule.selector"),
        Arguments.of(
            "webhooks.matchConditions.enabled=sometimes", "webhooks.matchConditions.enabled"),
        Arguments.of("tpyo=1", "tpyo"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void schemaRejectsBadValues(String set, String field) {
    Helm.Result r = Helm.template("--set", set);
    assertThat(r.exitCode()).as("helm template --set " + set + " must fail").isNotZero();
    String jsonPointer = "/" + field.replace('.', '/');
    assertThat(r.stderr()).as(r.describe()).containsAnyOf(field, jsonPointer);
    assertThat(r.stdout()).doesNotContain("kind: Deployment");
  }

  @Test
  void goodBoundaryValuesAreAccepted() {
    Helm.Result r =
        Helm.template(
            "--set",
            "webhooks.timeoutSeconds=30",
            "--set",
            "replicaCount=1",
            "--set",
            "sessionAffinity.timeoutSeconds=86400",
            "--set",
            "ip.deniedCidrs={0.0.0.0/0,::/0}",
            "--set",
            "admission.memoryBudget=99%");
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }

  @Test
  void graceMustExceedShutdownDelayPlusTimeout() {
    Helm.Result r = Helm.template("--set", "terminationGracePeriodSeconds=10");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("terminationGracePeriodSeconds");
  }

  // ------------------------------------------------------------------------------------------
  // helpers

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
}
