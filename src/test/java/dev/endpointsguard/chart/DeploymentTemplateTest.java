package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * templates/deployment.yaml (and the PodDisruptionBudget): hardening, availability, application
 * settings.
 */
class DeploymentTemplateTest {

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
  void everyDocumentedRuleIdIsAcceptedAndRendered() {
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

  @Test
  void graceMustExceedShutdownDelayPlusTimeout() {
    Helm.Result r = Helm.template("--set", "terminationGracePeriodSeconds=10");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("terminationGracePeriodSeconds");
  }

  @Test
  void webhookPortMovesTheContainerPortTheServerTheServiceAndTheNetworkPolicy() {
    assertThat(env(defaults())).containsEntry("QUARKUS_HTTP_SSL_PORT", "8443");
    Manifests m =
        Helm.render(
            args(NEW_KUBE, "--set", "webhookPort=10443", "--set", "networkPolicy.enabled=true"));
    Container c = container(m);
    assertThat(c.getPorts())
        .filteredOn(p -> p.getName().equals("https"))
        .singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(10443));
    assertThat(env(m)).containsEntry("QUARKUS_HTTP_SSL_PORT", "10443");
    Service svc = m.named(Service.class, RELEASE).orElseThrow();
    assertThat(svc.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(443);
              assertThat(containerPort(m, p.getTargetPort())).isEqualTo(10443);
            });
    NetworkPolicy np = m.one(NetworkPolicy.class);
    assertThat(ingressRuleFor(np, 10443).getFrom()).isNullOrEmpty();
    assertThat(np.getSpec().getIngress())
        .noneMatch(
            r ->
                r.getPorts().stream()
                    .anyMatch(p -> Integer.valueOf(8443).equals(p.getPort().getIntVal())));
  }

  @Test
  void hostNetworkUsesTheClusterDnsPolicyForHostNetworkPods() {
    PodSpec plain = defaults().one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(plain.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(plain.getDnsPolicy()).isNull();
    PodSpec host =
        Helm.render(args(NEW_KUBE, "--set", "hostNetwork=true", "--set", "webhookPort=10443"))
            .one(Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(host.getHostNetwork()).isTrue();
    assertThat(host.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
  }

  @Test
  void confirmTimeoutAndAuditIntervalBecomeEnvironmentVariablesOnlyWhenSet() {
    assertThat(env(defaults()))
        .doesNotContainKeys(
            "ENDPOINTS_GUARD_CLUSTER_CONFIRM_TIMEOUT", "ENDPOINTS_GUARD_AUDIT_INTERVAL");
    Manifests m =
        Helm.render(
            args(NEW_KUBE, "--set", "cluster.confirmTimeout=2s", "--set", "audit.interval=0"));
    assertThat(env(m))
        .containsEntry("ENDPOINTS_GUARD_CLUSTER_CONFIRM_TIMEOUT", "2s")
        .containsEntry("ENDPOINTS_GUARD_AUDIT_INTERVAL", "0");
    assertThat(env(Helm.render(args(NEW_KUBE, "--set", "audit.interval=15m"))))
        .containsEntry("ENDPOINTS_GUARD_AUDIT_INTERVAL", "15m");
    for (String bad : List.of("audit.interval=soon", "cluster.confirmTimeout=-1s")) {
      Helm.Result r = Helm.template("--set", bad);
      assertThat(r.exitCode()).as(bad).isNotZero();
    }
  }

  @Test
  void priorityClassIsSystemClusterCriticalWithAQuotaThatAdmitsIt() {
    Manifests m = defaults();
    assertThat(m.one(Deployment.class).getSpec().getTemplate().getSpec().getPriorityClassName())
        .isEqualTo("system-cluster-critical");
    ResourceQuota quota = m.one(ResourceQuota.class);
    assertThat(quota.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(quota.getSpec().getScopeSelector().getMatchExpressions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getScopeName()).isEqualTo("PriorityClass");
              assertThat(e.getOperator()).isEqualTo("In");
              assertThat(e.getValues()).containsExactly("system-cluster-critical");
            });
    assertThat(quota.getSpec().getHard().get("pods").getAmount()).isEqualTo("50");
    // kube-system admits critical pods without a quota; other classes need none
    assertThat(Helm.render(args(NEW_KUBE, "--namespace", "kube-system")).all(ResourceQuota.class))
        .isEmpty();
    Manifests none = Helm.render(args(NEW_KUBE, "--set", "priorityClassName="));
    assertThat(none.one(Deployment.class).getSpec().getTemplate().getSpec().getPriorityClassName())
        .isNull();
    assertThat(none.all(ResourceQuota.class)).isEmpty();
    assertThat(
            Helm.render(args(NEW_KUBE, "--set", "priorityClassName=team-high"))
                .all(ResourceQuota.class))
        .isEmpty();
    assertThat(
            Helm.render(args(NEW_KUBE, "--set", "resourceQuota.enabled=false"))
                .all(ResourceQuota.class))
        .isEmpty();
  }

  @Test
  void podDisruptionBudgetOnlyWithMoreThanOneReplica() {
    assertThat(
            Helm.render(args(NEW_KUBE, "--set", "replicaCount=1")).all(PodDisruptionBudget.class))
        .as("minAvailable 1 of 1 would block every drain")
        .isEmpty();
    assertThat(
            Helm.render(args(NEW_KUBE, "--set", "replicaCount=3"))
                .one(PodDisruptionBudget.class)
                .getSpec()
                .getMinAvailable())
        .isEqualTo(new IntOrString(1));
    assertThat(
            Helm.render(args(NEW_KUBE, "--set", "podDisruptionBudget.enabled=false"))
                .all(PodDisruptionBudget.class))
        .isEmpty();
  }
}
