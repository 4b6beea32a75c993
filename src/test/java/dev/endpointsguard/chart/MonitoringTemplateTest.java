package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** templates/servicemonitor.yaml, templates/prometheusrule.yaml, templates/networkpolicy.yaml. */
class MonitoringTemplateTest {

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
            "EndpointsGuardWebhookCallsFailing",
            "EndpointsGuardAuditViolations");
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

  @Test
  void networkPolicyWithServiceMonitorButNoMetricsPeerIsRefused() {
    Helm.Result r =
        Helm.template(
            args(
                NEW_KUBE,
                "--set",
                "networkPolicy.enabled=true",
                "--set",
                "metrics.serviceMonitor.enabled=true"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains("networkPolicy.metricsFrom")
        .contains("blocks every scrape of port 9000");
    assertThat(r.stdout()).doesNotContain("kind: NetworkPolicy");
  }

  @Test
  void auditAlertFiresOnDenyLevelViolationsOnly() {
    Manifests m =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "metrics.serviceMonitor.enabled=true",
                "--set",
                "metrics.prometheusRule.enabled=true",
                "--set",
                "metrics.prometheusRule.auditViolationsForMinutes=30"));
    String expr = alerts(m).get("EndpointsGuardAuditViolations");
    assertThat(expr)
        .contains("endpoints_guard_audit_violations{")
        .contains("action=\"deny\"")
        .endsWith("> 0")
        .contains("job=\"" + RELEASE + "-metrics\", namespace=\"" + NAMESPACE + "\"");
    GenericKubernetesResource rule = generic(m.kind("PrometheusRule").get(0));
    Map<?, ?> audit =
        ((List<?>) ((Map<?, ?>) ((List<?>) rule.get("spec", "groups")).get(0)).get("rules"))
            .stream()
                .map(Map.class::cast)
                .filter(r -> "EndpointsGuardAuditViolations".equals(r.get("alert")))
                .findFirst()
                .orElseThrow();
    assertThat(audit.get("for")).isEqualTo("30m");
    // the audit turned off: no alert on a metric that stays empty
    Manifests off =
        Helm.render(
            args(
                NEW_KUBE,
                "--set",
                "metrics.serviceMonitor.enabled=true",
                "--set",
                "metrics.prometheusRule.enabled=true",
                "--set-string",
                "audit.interval=0"));
    assertThat(alerts(off)).doesNotContainKey("EndpointsGuardAuditViolations");
  }

  @Test
  void grafanaDashboardIsOptInAndQueriesOnlyExportedMetrics() throws Exception {
    assertThat(defaults().all(ConfigMap.class)).isEmpty();
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "grafana.dashboard.enabled=true"));
    ConfigMap cm = m.one(ConfigMap.class);
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(cm.getData()).containsOnlyKeys("endpoints-guard.json");
    JsonNode dashboard = new ObjectMapper().readTree(cm.getData().get("endpoints-guard.json"));
    assertThat(dashboard.path("uid").asText()).isEqualTo("endpoints-guard");

    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    dashboard
        .path("templating")
        .path("list")
        .forEach(
            v -> {
              if (v.path("query").isObject()) {
                exprs.add(v.path("query").path("query").asText());
              }
            });
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (String expr : exprs) {
      Matcher names = Pattern.compile("endpoints_guard_[a-z_]+").matcher(expr);
      assertThat(names.find()).as("query without an endpoints-guard metric: " + expr).isTrue();
      do {
        assertThat(EXPORTED_METRICS).as(expr).contains(names.group());
        used.add(names.group());
      } while (names.find());
    }
    // what the dashboard must show
    assertThat(used)
        .contains(
            "endpoints_guard_admission_requests_total",
            "endpoints_guard_admission_duration_seconds_bucket",
            "endpoints_guard_findings_total",
            "endpoints_guard_audit_violations",
            "endpoints_guard_reconcile_total",
            "endpoints_guard_confirmations_total",
            "endpoints_guard_tls_certificate_expiry_seconds");
    assertThat(exprs.stream().filter(e -> e.contains("endpoints_guard_admission_requests_total")))
        .anySatisfy(e -> assertThat(e).contains("decision").contains("webhook"));

    // the sidecar's label, namespace and folder are configurable
    ConfigMap custom =
        Helm.render(
                args(
                    NEW_KUBE,
                    "--set",
                    "grafana.dashboard.enabled=true",
                    "--set",
                    "grafana.dashboard.label=dashboards",
                    "--set",
                    "grafana.dashboard.labelValue=endpoints-guard",
                    "--set",
                    "grafana.dashboard.namespace=monitoring",
                    "--set",
                    "grafana.dashboard.folder=Kubernetes"))
            .one(ConfigMap.class);
    assertThat(custom.getMetadata().getLabels())
        .containsEntry("dashboards", "endpoints-guard")
        .doesNotContainKey("grafana_dashboard");
    assertThat(custom.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(custom.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Kubernetes");
  }
}
