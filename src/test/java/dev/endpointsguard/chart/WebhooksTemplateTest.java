package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * templates/webhooks.yaml: registrations, rules, namespace selector, matchConditions, failure
 * policies.
 */
class WebhooksTemplateTest {

  @Test
  void webhookPathsAndServiceMatchTheApplication() {
    Manifests m = defaults();
    ValidatingWebhookConfiguration vwc = m.one(ValidatingWebhookConfiguration.class);
    MutatingWebhookConfiguration mwc = m.one(MutatingWebhookConfiguration.class);

    assertThat(vwc.getWebhooks())
        .extracting(ValidatingWebhook::getName)
        .containsExactly(
            "endpoints.endpoints-guard.dev",
            "endpointslices.endpoints-guard.dev",
            "services.endpoints-guard.dev");
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
  @MethodSource("dev.endpointsguard.chart.ChartFixtures#allRenders")
  void rulesAreOnlyCreateAndUpdateOnTheMainResource(String label, String[] args) {
    Manifests m = Helm.render(args);
    List<RuleWithOperations> rules = new ArrayList<>();
    m.all(ValidatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
    m.all(MutatingWebhookConfiguration.class)
        .forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
    assertThat(rules).hasSize(4);
    for (RuleWithOperations r : rules) {
      assertThat(r.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
      assertThat(r.getApiVersions()).containsExactly("v1");
      assertThat(r.getResources())
          .hasSize(1)
          .allSatisfy(
              res -> {
                assertThat(res).doesNotContain("/").doesNotContain("*");
                assertThat(res).isIn("endpoints", "services", "endpointslices");
              });
      assertThat(r.getApiGroups())
          .containsExactly(
              r.getResources().get(0).equals("endpointslices") ? "discovery.k8s.io" : "");
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
    // default/kubernetes is judged by the application (rule apiserver-endpoints): never skipped by
    // name
    assertThat(allMatchConditions(m))
        .allSatisfy(
            conditions ->
                assertThat(conditions)
                    .extracting(MatchCondition::getExpression)
                    .noneMatch(e -> e.contains("'kubernetes'") || e.contains("'default'")));

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
    assertThat(allMatchConditions(on)).hasSize(4).allSatisfy(c -> assertThat(c).isNotEmpty());
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

    // trustedUsers adds to the built-in identities, in the app (env) and in the matchConditions
    // alike
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
              "!(request.userInfo.username in ['"
                  + String.join("', '", CONTROL_PLANE_USERS)
                  + "', '"
                  + OWN_SA_USER
                  + "', 'alice', 'system:serviceaccount:ops:deployer'])");
    }
  }

  static final String LEADER_LOCK_CONDITION =
      "!(has(object.metadata.annotations) && "
          + "'control-plane.alpha.kubernetes.io/leader' in object.metadata.annotations && "
          + "(!has(object.subsets) || size(object.subsets) == 0))";

  @Test
  void endpointsHookSkipsOnlyLeaderLocksWithoutSubsetsAndNeverDefaultKubernetesByName() {
    List<MatchCondition> conditions =
        validating(defaults(), "endpoints.endpoints-guard.dev").getMatchConditions();
    assertThat(conditions)
        .extracting(MatchCondition::getName)
        .containsExactly("skip-trusted-users", "skip-leader-election-locks");
    assertThat(conditions.get(1).getExpression()).isEqualTo(LEADER_LOCK_CONDITION);
    assertThat(conditions)
        .extracting(MatchCondition::getExpression)
        .noneMatch(e -> e.contains("request.name") || e.contains("'kubernetes'"));
  }

  @Test
  void endpointSliceHookIsRegisteredLikeTheEndpointsHook() {
    Manifests m = defaults();
    ValidatingWebhook slices = validating(m, "endpointslices.endpoints-guard.dev");
    assertThat(slices.getClientConfig().getService().getPath())
        .isEqualTo("/validate/endpointslices");
    assertThat(slices.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("discovery.k8s.io");
              assertThat(r.getApiVersions()).containsExactly("v1");
              assertThat(r.getResources()).containsExactly("endpointslices");
              assertThat(r.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
              assertThat(r.getScope()).isEqualTo("Namespaced");
            });
    assertThat(slices.getFailurePolicy()).isEqualTo("Fail");
    assertThat(slices.getSideEffects()).isEqualTo("None");
    assertThat(slices.getNamespaceSelector())
        .isEqualTo(validating(m, "endpoints.endpoints-guard.dev").getNamespaceSelector());
    // trusted: the built-ins, among them the EndpointSlice and mirroring controllers; no
    // leader-lock skip
    assertThat(slices.getMatchConditions())
        .extracting(MatchCondition::getName)
        .containsExactly("skip-trusted-users");
    String trusted = slices.getMatchConditions().get(0).getExpression();
    assertThat(trusted)
        .contains(
            "'system:serviceaccount:kube-system:endpointslice-controller'",
            "'system:serviceaccount:kube-system:endpointslicemirroring-controller'",
            "'" + OWN_SA_USER + "'");
    CONTROL_PLANE_USERS.forEach(u -> assertThat(trusted).contains("'" + u + "'"));

    // without matchConditions the same safe default as the Endpoints hook
    Manifests old = oldKube();
    assertThat(validating(old, "endpointslices.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Ignore");
    assertThat(validating(old, "endpointslices.endpoints-guard.dev").getMatchConditions())
        .isNullOrEmpty();
    Manifests forced =
        Helm.render(
            args(
                OLD_KUBE,
                "--set",
                "webhooks.endpointSlices.failurePolicyWithoutMatchConditions=Fail"));
    assertThat(validating(forced, "endpointslices.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Fail");

    Manifests off = Helm.render(args(NEW_KUBE, "--set", "webhooks.endpointSlices.enabled=false"));
    assertThat(off.one(ValidatingWebhookConfiguration.class).getWebhooks())
        .extracting(ValidatingWebhook::getName)
        .containsExactly("endpoints.endpoints-guard.dev", "services.endpoints-guard.dev");
  }

  @Test
  void trustedUsersAddToTheBuiltInIdentitiesInEveryHook() {
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "trustedUsers={ci-bot}"));
    assertThat(allMatchConditions(m))
        .hasSize(4)
        .allSatisfy(
            conditions -> {
              String expr = conditions.get(0).getExpression();
              CONTROL_PLANE_USERS.forEach(u -> assertThat(expr).contains("'" + u + "'"));
              assertThat(expr).contains("'" + OWN_SA_USER + "'", "'ci-bot'");
            });
    assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_TRUSTED_USERS", "ci-bot");
    // a built-in listed again is not repeated
    String twice =
        validating(
                Helm.render(args(NEW_KUBE, "--set", "trustedUsers={system:apiserver}")),
                "endpoints.endpoints-guard.dev")
            .getMatchConditions()
            .get(0)
            .getExpression();
    assertThat(twice.split("'system:apiserver'", -1)).hasSize(2);
  }

  @Test
  void excludeNamespacesCannotDropKubeSystemNorTheReleaseNamespace() {
    Manifests m = Helm.render(args(NEW_KUBE, "--set", "webhooks.excludeNamespaces={team-a}"));
    for (var selector :
        Stream.concat(
                m.one(ValidatingWebhookConfiguration.class).getWebhooks().stream()
                    .map(ValidatingWebhook::getNamespaceSelector),
                m.one(MutatingWebhookConfiguration.class).getWebhooks().stream()
                    .map(MutatingWebhook::getNamespaceSelector))
            .toList()) {
      assertThat(selector.getMatchExpressions())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues())
                    .containsExactlyInAnyOrder("kube-system", "team-a", NAMESPACE);
              });
    }
    Manifests empty = Helm.render(args(NEW_KUBE, "--set", "webhooks.excludeNamespaces=null"));
    assertThat(
            validating(empty, "endpoints.endpoints-guard.dev")
                .getNamespaceSelector()
                .getMatchExpressions()
                .get(0)
                .getValues())
        .containsExactlyInAnyOrder("kube-system", NAMESPACE);
  }

  @Test
  void matchConditionsForcedOnBeforeKubernetes128AreRefused() {
    Helm.Result r =
        Helm.template(
            args(
                new String[] {"--kube-version", "1.27.9"},
                "--set",
                "webhooks.matchConditions.enabled=true"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr())
        .contains("webhooks.matchConditions.enabled=true needs Kubernetes >= 1.28");
    assertThat(r.stdout()).doesNotContain("kind: ValidatingWebhookConfiguration");
    // 1.28 and 1.29 have them (beta, on by default): forcing is allowed there
    Manifests on128 =
        Helm.render("--kube-version", "1.28.0", "--set", "webhooks.matchConditions.enabled=true");
    assertThat(validating(on128, "endpoints.endpoints-guard.dev").getFailurePolicy())
        .isEqualTo("Fail");
    assertThat(allMatchConditions(on128)).allSatisfy(c -> assertThat(c).isNotEmpty());
    // auto on an old cluster still renders, without them
    assertThat(allMatchConditions(Helm.render("--kube-version", "1.27.9")))
        .allSatisfy(c -> assertThat(c).isNullOrEmpty());
  }
}
