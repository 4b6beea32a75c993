package dev.endpointsguard.chart;

import static dev.endpointsguard.chart.ChartFixtures.*;
import static dev.endpointsguard.chart.Helm.NAMESPACE;
import static dev.endpointsguard.chart.Helm.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

/** templates/webhooks.yaml: registrations, rules, namespace selector, matchConditions, failure policies. */
class WebhooksTemplateTest {

    @Test
    void webhookPathsAndServiceMatchTheApplication() {
        Manifests m = defaults();
        ValidatingWebhookConfiguration vwc = m.one(ValidatingWebhookConfiguration.class);
        MutatingWebhookConfiguration mwc = m.one(MutatingWebhookConfiguration.class);

        assertThat(vwc.getWebhooks()).extracting(ValidatingWebhook::getName)
                .containsExactly("endpoints.endpoints-guard.dev", "services.endpoints-guard.dev");
        assertThat(mwc.getWebhooks()).extracting(MutatingWebhook::getName)
                .containsExactly("mutate-services.endpoints-guard.dev");

        ValidatingWebhook ep = validating(m, "endpoints.endpoints-guard.dev");
        ValidatingWebhook svc = validating(m, "services.endpoints-guard.dev");
        MutatingWebhook mut = mwc.getWebhooks().get(0);
        assertThat(ep.getClientConfig().getService().getPath()).isEqualTo("/validate/endpoints");
        assertThat(svc.getClientConfig().getService().getPath()).isEqualTo("/validate/services");
        assertThat(mut.getClientConfig().getService().getPath()).isEqualTo("/mutate/services");
        assertThat(ep.getRules()).flatExtracting(RuleWithOperations::getResources).containsExactly("endpoints");
        assertThat(svc.getRules()).flatExtracting(RuleWithOperations::getResources).containsExactly("services");
        assertThat(mut.getRules()).flatExtracting(RuleWithOperations::getResources).containsExactly("services");

        // clientConfig -> Service :443 -> targetPort -> container port 8443 (HTTPS)
        Service service = m.named(Service.class, RELEASE).orElseThrow();
        ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort() == 443).findFirst().orElseThrow();
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
        m.all(ValidatingWebhookConfiguration.class).forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
        m.all(MutatingWebhookConfiguration.class).forEach(c -> c.getWebhooks().forEach(w -> rules.addAll(w.getRules())));
        assertThat(rules).hasSize(3);
        for (RuleWithOperations r : rules) {
            assertThat(r.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
            assertThat(r.getApiGroups()).containsExactly("");
            assertThat(r.getApiVersions()).containsExactly("v1");
            assertThat(r.getResources()).hasSize(1).allSatisfy(res -> {
                assertThat(res).doesNotContain("/").doesNotContain("*");
                assertThat(res).isIn("endpoints", "services");
            });
        }
    }

    @Test
    void namespaceSelectorExcludesSystemNamespacesAndTheReleaseNamespace() {
        for (Manifests m : List.of(defaults(), Helm.render(args(NEW_KUBE, "--namespace", "guard-system")))) {
            String releaseNs = m.one(Deployment.class).getMetadata().getNamespace();
            for (var selector : Stream.concat(
                    m.one(ValidatingWebhookConfiguration.class).getWebhooks().stream().map(ValidatingWebhook::getNamespaceSelector),
                    m.one(MutatingWebhookConfiguration.class).getWebhooks().stream().map(MutatingWebhook::getNamespaceSelector))
                    .toList()) {
                assertThat(selector.getMatchLabels()).isNullOrEmpty();
                LabelSelectorRequirement req = selector.getMatchExpressions().stream()
                        .filter(e -> e.getKey().equals("kubernetes.io/metadata.name")).findFirst().orElseThrow();
                assertThat(req.getOperator()).isEqualTo("NotIn");
                assertThat(req.getValues()).containsExactlyInAnyOrder("kube-system", "kube-node-lease", releaseNs);
            }
        }
        assertThat(Helm.render(args(NEW_KUBE, "--namespace", "guard-system")).one(Deployment.class)
                .getMetadata().getNamespace()).isEqualTo("guard-system");
    }

    @Test
    void matchConditionsSkipTrustedIdentitiesOnNewClusters() {
        Manifests m = defaults();
        for (List<MatchCondition> conditions : allMatchConditions(m)) {
            MatchCondition trusted = conditions.stream().filter(c -> c.getName().equals("skip-trusted-users"))
                    .findFirst().orElseThrow();
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
        assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Ignore");
        assertThat(mutating(m).getFailurePolicy()).isEqualTo("Ignore");
    }

    @Test
    void oldClustersGetNoMatchConditionsAndTheSafeEndpointsFailurePolicy() {
        Manifests m = oldKube();
        assertThat(allMatchConditions(m)).allSatisfy(c -> assertThat(c).isNullOrEmpty());
        assertThat(validating(m, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Ignore");
        assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Ignore");
        assertThat(mutating(m).getFailurePolicy()).isEqualTo("Ignore");

        // the user can force fail-closed anyway
        Manifests forced = Helm.render(args(OLD_KUBE, "--set", "webhooks.endpoints.failurePolicyWithoutMatchConditions=Fail"));
        assertThat(validating(forced, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void matchConditionsCanBeForcedEitherWay() {
        Manifests off = Helm.render(args(NEW_KUBE, "--set", "webhooks.matchConditions.enabled=false"));
        assertThat(allMatchConditions(off)).allSatisfy(c -> assertThat(c).isNullOrEmpty());
        assertThat(validating(off, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Ignore");

        Manifests on = Helm.render(args(OLD_KUBE, "--set", "webhooks.matchConditions.enabled=true"));
        assertThat(allMatchConditions(on)).hasSize(3).allSatisfy(c -> assertThat(c).isNotEmpty());
        assertThat(validating(on, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void failurePoliciesTimeoutAndTrustedUsersAreConfigurable() {
        Manifests m = configured();
        assertThat(validating(m, "endpoints.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Ignore");
        assertThat(validating(m, "services.endpoints-guard.dev").getFailurePolicy()).isEqualTo("Fail");
        assertThat(mutating(m).getFailurePolicy()).isEqualTo("Fail");
        assertThat(m.one(ValidatingWebhookConfiguration.class).getWebhooks()).allSatisfy(w -> assertThat(w.getTimeoutSeconds()).isEqualTo(7));
        assertThat(mutating(m).getTimeoutSeconds()).isEqualTo(7);

        // trustedUsers replaces the default list, in the app (env) and in the matchConditions alike
        assertThat(env(m)).containsEntry("ENDPOINTS_GUARD_TRUSTED_USERS", "alice,system:serviceaccount:ops:deployer");
        for (List<MatchCondition> conditions : allMatchConditions(m)) {
            String expr = conditions.stream().filter(c -> c.getName().equals("skip-trusted-users")).findFirst()
                    .orElseThrow().getExpression();
            assertThat(expr).isEqualTo("!(request.userInfo.username in ['alice', 'system:serviceaccount:ops:deployer'])");
        }
    }
}
