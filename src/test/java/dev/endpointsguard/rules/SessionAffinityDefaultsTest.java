package dev.endpointsguard.rules;

import static dev.endpointsguard.rules.SessionAffinityDefaults.AFFINITY_ANNOTATION;
import static dev.endpointsguard.rules.SessionAffinityDefaults.TIMEOUT_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.cluster.ManifestFiles;
import dev.endpointsguard.kube.SessionAffinityType;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Patches;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionAffinityDefaultsTest {

  private static final Settings DEFAULTS = TestSettings.defaults();

  /**
   * What one call returned, with the patch applied to the request object as the API server would.
   */
  record Outcome(Mutation mutation, JsonNode patch, Service result) {
    Integer timeout() {
      var config = result.getSpec().getSessionAffinityConfig();
      return config == null || config.getClientIP() == null
          ? null
          : config.getClientIP().getTimeoutSeconds();
    }

    String audit() {
      return mutation.auditAnnotations().get("session-affinity");
    }
  }

  private static Outcome call(
      AdmissionRequest<Service> request, ClusterView cluster, Settings settings) {
    ObjectNode raw = Patches.json(request.object());
    ObjectNode draft = raw.deepCopy();
    Mutation mutation = new SessionAffinityDefaults().mutate(request, draft, cluster, settings);
    JsonNode patch = Patches.diff(raw, draft);
    return new Outcome(mutation, patch, Patches.apply(patch, request.object()));
  }

  private static Outcome create(Service service, Settings settings, HasMetadata... cluster) {
    return call(
        AdmissionRequest.create("registry", "harbor", "alice", service),
        InMemoryClusterView.of(cluster),
        settings);
  }

  private static Outcome create(Service service, HasMetadata... cluster) {
    return create(service, DEFAULTS, cluster);
  }

  private static Outcome update(Service service, Settings settings, HasMetadata... cluster) {
    return call(
        AdmissionRequest.update("registry", "harbor", "alice", service, service),
        InMemoryClusterView.of(cluster),
        settings);
  }

  /**
   * A Service as a mutating webhook sees it: already defaulted by the API server (sessionAffinity
   * None).
   */
  private static Service service(String... annotations) {
    ServiceBuilder b = KubeObjects.selectorless("registry", "harbor", "10.96.200.20");
    for (int i = 0; i < annotations.length; i += 2) {
      b.editMetadata().addToAnnotations(annotations[i], annotations[i + 1]).endMetadata();
    }
    return Patches.apiServerDefaults(b.build());
  }

  private static Service clientIp(Service service, int timeout) {
    return new ServiceBuilder(service)
        .editSpec()
        .withSessionAffinity("ClientIP")
        .withNewSessionAffinityConfig()
        .withNewClientIP()
        .withTimeoutSeconds(timeout)
        .endClientIP()
        .endSessionAffinityConfig()
        .endSpec()
        .build();
  }

  private static Namespace namespace(String... annotations) {
    NamespaceBuilder b =
        new NamespaceBuilder().withNewMetadata().withName("registry").endMetadata();
    for (int i = 0; i < annotations.length; i += 2) {
      b.editMetadata().addToAnnotations(annotations[i], annotations[i + 1]).endMetadata();
    }
    return b.build();
  }

  private static final Namespace REGISTRY =
      namespace(AFFINITY_ANNOTATION, "ClientIP", TIMEOUT_ANNOTATION, "3600");

  @Nested
  class Precedence {

    @Test
    void namespaceAnnotationSetsClientIpOnCreateTouchingOnlyTheTwoFields() {
      Outcome out = create(service(), REGISTRY);

      assertThat(out.result().getSpec().getSessionAffinity()).isEqualTo("ClientIP");
      assertThat(out.timeout()).isEqualTo(3600);
      assertThat(Patches.paths(out.patch())).allMatch(p -> p.startsWith("/spec/sessionAffinity"));
      assertThat(out.result()).isEqualTo(clientIp(service(), 3600));
      assertThat(out.audit()).isEqualTo("ClientIP timeout=3600s from namespace annotation");
      assertThat(out.mutation().findings()).isEmpty();
    }

    @Test
    void namespaceAnnotationAppliesOnUpdateToo() {
      Outcome out = update(service(), DEFAULTS, REGISTRY);
      assertThat(out.result()).isEqualTo(clientIp(service(), 3600));
    }

    @Test
    void serviceAnnotationBeatsTheNamespace() {
      Outcome out =
          create(service(AFFINITY_ANNOTATION, "ClientIP", TIMEOUT_ANNOTATION, "60"), REGISTRY);
      assertThat(out.timeout()).isEqualTo(60);
      assertThat(out.audit()).isEqualTo("ClientIP timeout=60s from Service annotation");
    }

    @Test
    void serviceAnnotationNoneKeepsTheServiceOutOfANamespaceDefault() {
      Outcome out = create(service(AFFINITY_ANNOTATION, "None"), REGISTRY);
      assertThat(out.patch()).isEmpty();
      assertThat(out.audit()).isNull();
    }

    @Test
    void aTimeoutAloneRefinesWhicheverClientIpWins() {
      Outcome out = create(service(TIMEOUT_ANNOTATION, "60"), REGISTRY);
      assertThat(out.result().getSpec().getSessionAffinity()).isEqualTo("ClientIP");
      assertThat(out.timeout()).isEqualTo(60);
      assertThat(out.audit())
          .isEqualTo("ClientIP from namespace annotation, timeout=60s from Service annotation");
    }

    @Test
    void aNamespaceTimeoutAppliesToAServiceClientIp() {
      Outcome out =
          create(service(AFFINITY_ANNOTATION, "ClientIP"), namespace(TIMEOUT_ANNOTATION, "1800"));
      assertThat(out.timeout()).isEqualTo(1800);
      assertThat(out.audit())
          .isEqualTo("ClientIP from Service annotation, timeout=1800s from namespace annotation");
    }

    @Test
    void clientIpWithoutAnyTimeoutUsesTheConfiguredTimeout() {
      Outcome out =
          create(
              service(AFFINITY_ANNOTATION, "ClientIP"),
              DEFAULTS.withAffinity(SessionAffinityType.None, 900));
      assertThat(out.timeout()).isEqualTo(900);
      assertThat(out.audit())
          .isEqualTo("ClientIP from Service annotation, timeout=900s from global config");
    }

    @Test
    void serviceAnnotationNoneRemovesTheConfig() {
      Outcome out = update(clientIp(service(AFFINITY_ANNOTATION, "None"), 600), DEFAULTS);
      assertThat(out.result().getSpec().getSessionAffinity()).isEqualTo("None");
      assertThat(out.result().getSpec().getSessionAffinityConfig()).isNull();
      assertThat(Patches.paths(out.patch()))
          .containsExactlyInAnyOrder("/spec/sessionAffinity", "/spec/sessionAffinityConfig");
      assertThat(out.audit()).isEqualTo("None from Service annotation");
    }

    @Test
    void anExplicitClientIpInTheSpecBeatsNamespaceAndGlobalDefaults() {
      Service chosen = clientIp(service(), 60);
      assertThat(create(chosen, REGISTRY).patch()).isEmpty();
      assertThat(create(chosen, namespace(AFFINITY_ANNOTATION, "None")).patch()).isEmpty();
      assertThat(create(chosen, DEFAULTS).patch()).isEmpty();
    }

    @Test
    void aServiceTimeoutAnnotationRefinesAnExplicitClientIp() {
      Outcome out = update(clientIp(service(TIMEOUT_ANNOTATION, "120"), 60), DEFAULTS);
      assertThat(out.timeout()).isEqualTo(120);
      assertThat(out.audit())
          .isEqualTo("ClientIP from Service spec, timeout=120s from Service annotation");
    }
  }

  @Nested
  class GlobalDefault {

    private final Settings clientIpByDefault =
        DEFAULTS.withAffinity(SessionAffinityType.ClientIP, 600);

    @Test
    void appliesOnCreate() {
      Outcome out = create(service(), clientIpByDefault);
      assertThat(out.result()).isEqualTo(clientIp(service(), 600));
      assertThat(out.audit()).isEqualTo("ClientIP timeout=600s from global config");
    }

    @Test
    void doesNotApplyOnUpdate() {
      Outcome out = update(service(), clientIpByDefault);
      assertThat(out.patch()).isEmpty();
      assertThat(out.audit()).isNull();
    }

    @Test
    void theDefaultNoneChangesNothing() {
      Outcome out = create(service());
      assertThat(out.patch()).isEmpty();
      assertThat(out.mutation()).isEqualTo(Mutation.none());
    }

    @Test
    void aNamespaceNoneOptsOutOfIt() {
      assertThat(
              create(service(), clientIpByDefault, namespace(AFFINITY_ANNOTATION, "None")).patch())
          .isEmpty();
    }
  }

  @Nested
  class Idempotence {

    @Test
    void aSecondCallOnThePatchedServicePatchesNothing() {
      Service patched = create(service(), REGISTRY).result();
      Outcome again = create(patched, REGISTRY);
      assertThat(again.patch()).isEmpty();
      assertThat(again.audit()).isNull();
    }

    @Test
    void survivesTheApiServerReDefaultingANonePatch() {
      Service patched =
          update(clientIp(service(AFFINITY_ANNOTATION, "None"), 600), DEFAULTS).result();
      Service redefaulted = Patches.apiServerDefaults(patched);
      assertThat(redefaulted.getSpec().getSessionAffinity()).isEqualTo("None");
      assertThat(update(redefaulted, DEFAULTS).patch()).isEmpty();
    }

    @Test
    void survivesTheApiServerReDefaultingAClientIpPatch() {
      Settings clientIpByDefault = DEFAULTS.withAffinity(SessionAffinityType.ClientIP, 10800);
      Service redefaulted =
          Patches.apiServerDefaults(create(service(), clientIpByDefault).result());
      assertThat(create(redefaulted, clientIpByDefault).patch()).isEmpty();
    }

    @Test
    void treatsAMissingSessionAffinityAsNone() {
      Service undefaulted =
          new ServiceBuilder(service(AFFINITY_ANNOTATION, "None"))
              .editSpec()
              .withSessionAffinity(null)
              .endSpec()
              .build();
      Outcome out = create(undefaulted);
      assertThat(out.patch()).isEmpty();
      assertThat(out.audit()).isNull();
    }
  }

  @Nested
  class NotProxied {

    private Service externalName(String... annotations) {
      return new ServiceBuilder(service(annotations))
          .editSpec()
          .withType("ExternalName")
          .withExternalName("harbor.example.com")
          .withClusterIP(null)
          .withClusterIPs(List.of())
          .endSpec()
          .build();
    }

    private Service headless(String... annotations) {
      return new ServiceBuilder(service(annotations))
          .editSpec()
          .withClusterIP("None")
          .withClusterIPs("None")
          .endSpec()
          .build();
    }

    @Test
    void externalNameIsLeftAloneAndAServiceAnnotationIsTold() {
      Outcome out = create(externalName(AFFINITY_ANNOTATION, "ClientIP"));
      assertThat(out.patch()).isEmpty();
      assertThat(out.audit()).isNull();
      assertThat(out.mutation().findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SESSION_AFFINITY_IGNORED);
                assertThat(f.field())
                    .isEqualTo("metadata.annotations[endpoints-guard.dev/session-affinity]");
                assertThat(f.text()).contains("ExternalName");
              });
    }

    @Test
    void headlessIsLeftAloneAndANamespaceAnnotationIsTold() {
      Outcome out = create(headless(), REGISTRY);
      assertThat(out.patch()).isEmpty();
      assertThat(out.mutation().findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SESSION_AFFINITY_IGNORED);
                assertThat(f.text()).contains("Namespace", "headless");
              });
    }

    @Test
    void staysSilentWhenOnlyTheGlobalDefaultOrNoneAsks() {
      assertThat(
              create(headless(), DEFAULTS.withAffinity(SessionAffinityType.ClientIP, 600))
                  .mutation())
          .isEqualTo(Mutation.none());
      assertThat(create(headless(AFFINITY_ANNOTATION, "None"), REGISTRY).mutation())
          .isEqualTo(Mutation.none());
    }
  }

  @Nested
  class InvalidAnnotations {

    @ParameterizedTest
    @ValueSource(strings = {"clientip", "ClientIp", "", "sticky"})
    void anInvalidAffinityOnTheServiceIsNamed(String value) {
      Outcome out = create(service(AFFINITY_ANNOTATION, value));
      assertThat(out.mutation().findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SESSION_AFFINITY_INVALID);
                assertThat(f.field())
                    .isEqualTo("metadata.annotations[endpoints-guard.dev/session-affinity]");
                assertThat(f.text())
                    .contains("\"" + value + "\"", "this Service", "ClientIP or None");
              });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "86401", "3600s", "-5", "+5", " 60", "1.5", "99999999999"})
    void anInvalidTimeoutOnTheNamespaceIsNamed(String value) {
      Outcome out =
          create(service(), namespace(AFFINITY_ANNOTATION, "ClientIP", TIMEOUT_ANNOTATION, value));
      assertThat(out.mutation().findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SESSION_AFFINITY_INVALID);
                assertThat(f.field()).isEmpty();
                assertThat(f.text())
                    .contains(
                        TIMEOUT_ANNOTATION,
                        "\"" + value + "\"",
                        "Namespace \"registry\"",
                        "1 to 86400");
              });
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "86400"})
    void theBoundsOfTheTimeoutAreValid(String value) {
      Outcome out = create(service(AFFINITY_ANNOTATION, "ClientIP", TIMEOUT_ANNOTATION, value));
      assertThat(out.mutation().findings()).isEmpty();
      assertThat(out.timeout()).isEqualTo(Integer.parseInt(value));
    }

    @Test
    void whenTheRuleOnlyWarnsTheWeakerSourceApplies() {
      Settings warn = DEFAULTS.withAction(RuleId.SESSION_AFFINITY_INVALID, RuleAction.WARN);
      Outcome out = create(service(AFFINITY_ANNOTATION, "sticky"), warn, REGISTRY);
      assertThat(out.mutation().findings())
          .extracting(Finding::rule)
          .containsExactly(RuleId.SESSION_AFFINITY_INVALID);
      assertThat(out.timeout()).isEqualTo(3600);
    }
  }

  /** The README's curl: examples/reviews/service-mutate.json against the example cluster. */
  @Test
  void theExampleReviewGetsTheRegistryNamespaceDefault() throws java.io.IOException {
    JsonNode review =
        Serialization.jsonMapper()
            .readTree(java.nio.file.Path.of("examples/reviews/service-mutate.json").toFile());
    Service service =
        Serialization.jsonMapper()
            .treeToValue(review.path("request").path("object"), Service.class);
    var cluster = InMemoryClusterView.of(ManifestFiles.load(List.of("examples/cluster")));

    Outcome out =
        call(AdmissionRequest.create("registry", "harbor", "alice", service), cluster, DEFAULTS);
    assertThat(out.result()).isEqualTo(clientIp(service, 3600));
    assertThat(out.audit()).isEqualTo("ClientIP timeout=3600s from namespace annotation");
  }
}
