package dev.endpointsguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.kube.LabelSelector;
import dev.endpointsguard.kube.WellKnown;
import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.TestSettings;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceRulesTest {

  private static final Map<String, String> NGINX = Map.of("app", "nginx");
  private static final String USER = "alice";

  private final ServiceRules rules = new ServiceRules();

  private static Service selectorless() {
    return KubeObjects.selectorless("default", "harbor", "10.96.200.20").build();
  }

  private static Service withSelector() {
    return KubeObjects.withSelector("default", "harbor", "10.96.200.20", NGINX).build();
  }

  private static Service annotated(Service service, String selector) {
    return new ServiceBuilder(service)
        .editMetadata()
        .addToAnnotations(WellKnown.SELECTOR_ANNOTATION, selector)
        .endMetadata()
        .build();
  }

  /** Hand-written Endpoints with 3 ready addresses in two subsets and 1 not-ready one. */
  private static EndpointsBuilder manualEndpoints() {
    return new EndpointsBuilder(KubeObjects.endpoints("default", "harbor", "10.0.0.1", "10.0.0.2"))
        .editFirstSubset()
        .addToNotReadyAddresses(new EndpointAddressBuilder().withIp("10.0.0.3").build())
        .endSubset()
        .addNewSubset()
        .addToAddresses(new EndpointAddressBuilder().withIp("10.0.0.4").build())
        .addNewPort()
        .withPort(81)
        .withProtocol("TCP")
        .endPort()
        .endSubset();
  }

  private List<Finding> create(Service service, HasMetadata... cluster) {
    return rules.validate(
        AdmissionRequest.create("default", "harbor", USER, service),
        InMemoryClusterView.of(cluster),
        TestSettings.defaults());
  }

  private List<Finding> update(Service service, Service old, HasMetadata... cluster) {
    return rules.validate(
        AdmissionRequest.update("default", "harbor", USER, service, old),
        InMemoryClusterView.of(cluster),
        TestSettings.defaults());
  }

  private static List<RuleId> ids(List<Finding> findings) {
    return findings.stream().map(Finding::rule).toList();
  }

  @Nested
  class SelectorOverwritesEndpoints {

    @Test
    void warnsOnCreateWithSelectorOverManualEndpointsCountingEveryAddress() {
      List<Finding> findings = create(withSelector(), manualEndpoints().build());

      assertThat(findings)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTOR_OVERWRITES_ENDPOINTS);
                assertThat(f.field()).isEqualTo("spec.selector");
                assertThat(f.text()).contains("4 addresses", "\"default/harbor\"");
                assertThat(f.renderAsWarning()).isEqualTo(f.render());
              });
    }

    @Test
    void warnsWhenAnUpdateAddsASelector() {
      assertThat(ids(update(withSelector(), selectorless(), manualEndpoints().build())))
          .containsExactly(RuleId.SELECTOR_OVERWRITES_ENDPOINTS);
    }

    @Test
    void countsASingleAddressInTheSingular() {
      assertThat(create(withSelector(), KubeObjects.endpoints("default", "harbor", "10.0.0.1")))
          .singleElement()
          .extracting(Finding::text)
          .asString()
          .contains("1 address ");
    }

    @Test
    void isSilentWhenTheSelectorWasAlreadyThere() {
      assertThat(update(withSelector(), withSelector(), manualEndpoints().build())).isEmpty();
    }

    @Test
    void isSilentWithoutEndpoints() {
      assertThat(create(withSelector())).isEmpty();
    }

    @Test
    void isSilentForEndpointsLabelledByTheEndpointsController() {
      Endpoints controller =
          manualEndpoints()
              .editMetadata()
              .addToLabels("endpoints.kubernetes.io/managed-by", "endpoint-controller")
              .endMetadata()
              .build();
      assertThat(create(withSelector(), controller)).isEmpty();
    }

    @Test
    void isSilentForEndpointsManagedByEndpointsGuard() {
      Endpoints ours =
          manualEndpoints()
              .editMetadata()
              .addToLabels("app.kubernetes.io/managed-by", "endpoints-guard")
              .endMetadata()
              .build();
      assertThat(create(withSelector(), ours)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "kube-controller-manager",
          "endpoint-controller",
          "system:serviceaccount:kube-system:endpoint-controller"
        })
    void isSilentForEndpointsWrittenByAControllerManager(String manager) {
      Endpoints written =
          manualEndpoints()
              .editMetadata()
              .addToManagedFields(
                  new ManagedFieldsEntryBuilder()
                      .withManager(manager)
                      .withOperation("Update")
                      .build())
              .endMetadata()
              .build();
      assertThat(create(withSelector(), written)).isEmpty();
    }

    @Test
    void warnsWhenOnlyAUserAppearsInManagedFields() {
      Endpoints applied =
          manualEndpoints()
              .editMetadata()
              .addToManagedFields(
                  new ManagedFieldsEntryBuilder()
                      .withManager("kubectl-client-side-apply")
                      .withOperation("Update")
                      .build())
              .endMetadata()
              .build();
      assertThat(ids(create(withSelector(), applied)))
          .containsExactly(RuleId.SELECTOR_OVERWRITES_ENDPOINTS);
    }
  }

  @Nested
  class SelectorRemoved {

    @Test
    void warnsThatTheEndpointsGoStale() {
      assertThat(update(selectorless(), withSelector(), manualEndpoints().build()))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTOR_REMOVED);
                assertThat(f.text()).contains("stale", "by hand", WellKnown.SELECTOR_ANNOTATION);
              });
    }

    @Test
    void tellsAnAnnotatedServiceToDeleteTheStaleEndpoints() {
      assertThat(update(annotated(selectorless(), "app=nginx"), withSelector()))
          .singleElement()
          .extracting(Finding::text)
          .asString()
          .contains("stale", "delete them");
    }

    @Test
    void isSilentWhenTheSelectorStays() {
      Service changed =
          new ServiceBuilder(withSelector())
              .editSpec()
              .withSelector(Map.of("app", "web"))
              .endSpec()
              .build();
      assertThat(update(changed, withSelector())).isEmpty();
    }

    @Test
    void isSilentWhenTheServiceNeverHadOne() {
      assertThat(update(selectorless(), selectorless(), manualEndpoints().build())).isEmpty();
    }
  }

  @Nested
  class SelectorlessWithoutEndpoints {

    @Test
    void warnsThatNothingRoutesUntilEndpointsExist() {
      assertThat(create(selectorless()))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTORLESS_WITHOUT_ENDPOINTS);
                assertThat(f.field()).isEmpty();
                assertThat(f.text())
                    .contains("nothing routes", "Endpoints named \"default/harbor\"");
              });
    }

    @Test
    void isSilentWhenAnEndpointSliceIsLabelledForTheService() {
      assertThat(
              create(
                  selectorless(),
                  KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.250").build()))
          .isEmpty();
    }

    @Test
    void stillWarnsWhenTheSliceIsLabelledForAnotherService() {
      assertThat(
              ids(
                  create(
                      selectorless(),
                      KubeObjects.slice("default", "harbor-1", "harbour", 80, "10.0.0.250")
                          .build())))
          .containsExactly(RuleId.SELECTORLESS_WITHOUT_ENDPOINTS);
    }

    @Test
    void isSilentWhenTheEndpointsExist() {
      assertThat(create(selectorless(), KubeObjects.endpoints("default", "harbor", "10.0.0.250")))
          .isEmpty();
    }

    @Test
    void isSilentForExternalName() {
      Service external =
          new ServiceBuilder(selectorless())
              .editSpec()
              .withType("ExternalName")
              .withExternalName("registry.example.com")
              .withClusterIP(null)
              .withClusterIPs(List.of())
              .endSpec()
              .build();
      assertThat(create(external)).isEmpty();
    }

    @Test
    void isSilentWhenTheSelectorAnnotationIsSet() {
      assertThat(create(annotated(selectorless(), "app=nginx"))).isEmpty();
    }

    @Test
    void isSilentOnUpdate() {
      assertThat(update(selectorless(), selectorless())).isEmpty();
    }
  }

  @Nested
  class SelectorAnnotationInvalid {

    @Test
    void deniesAnUnparsableSelectorWithTheParsersMessage() {
      String message = catchMessage("app in (a,b");
      assertThat(create(annotated(selectorless(), "app in (a,b")))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTOR_ANNOTATION_INVALID);
                assertThat(f.field())
                    .isEqualTo("metadata.annotations[endpoints-guard.dev/selector]");
                assertThat(f.text()).contains("\"app in (a,b\"", message);
              });
    }

    @Test
    void deniesAnEmptySelector() {
      assertThat(ids(create(annotated(selectorless(), ""))))
          .containsExactly(RuleId.SELECTOR_ANNOTATION_INVALID);
    }

    @Test
    void deniesTheAnnotationNextToASpecSelector() {
      assertThat(create(annotated(withSelector(), "app=nginx")))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTOR_ANNOTATION_INVALID);
                assertThat(f.text()).contains("also has spec.selector");
              });
    }

    @Test
    void acceptsAValidSelector() {
      assertThat(create(annotated(selectorless(), "app=nginx,tier notin (db),!canary"))).isEmpty();
    }

    private static String catchMessage(String selector) {
      try {
        LabelSelector.parse(selector);
        throw new AssertionError("expected '" + selector + "' not to parse");
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
  }

  @Nested
  class SelectorMixesSlices {

    private final EndpointSlice handWritten =
        KubeObjects.slice("default", "harbor-1", "harbor", 80, "10.0.0.250").build();

    private EndpointSlice managedBy(String manager) {
      return new EndpointSliceBuilder(handWritten)
          .editMetadata()
          .withName("harbor-" + manager.length())
          .addToLabels(WellKnown.SLICE_MANAGED_BY_LABEL, manager)
          .endMetadata()
          .build();
    }

    @Test
    void warnsOnCreateWithASelectorOverAHandWrittenSlice() {
      List<Finding> findings = create(withSelector(), handWritten);
      assertThat(findings)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.rule()).isEqualTo(RuleId.SELECTOR_MIXES_SLICES);
                assertThat(f.field()).isEqualTo("spec.selector");
                assertThat(f.text()).contains("[harbor-1]", "kube-proxy will send traffic");
              });
    }

    @Test
    void warnsWhenAnUpdateAddsASelector() {
      assertThat(ids(update(withSelector(), selectorless(), handWritten)))
          .containsExactly(RuleId.SELECTOR_MIXES_SLICES);
    }

    @Test
    void isSilentWhenTheSelectorWasAlreadyThere() {
      assertThat(update(withSelector(), withSelector(), handWritten)).isEmpty();
    }

    @Test
    void warnsForASliceWithoutAManagedByLabel() {
      EndpointSlice unmanaged =
          new EndpointSliceBuilder(handWritten)
              .editMetadata()
              .removeFromLabels(WellKnown.SLICE_MANAGED_BY_LABEL)
              .endMetadata()
              .build();
      assertThat(ids(create(withSelector(), unmanaged)))
          .containsExactly(RuleId.SELECTOR_MIXES_SLICES);
    }

    @Test
    void isSilentForControllerSlices() {
      for (String manager : WellKnown.CONTROLLER_SLICE_MANAGERS) {
        assertThat(create(withSelector(), managedBy(manager))).isEmpty();
      }
    }

    @Test
    void isSilentForExternalName() {
      Service external =
          new ServiceBuilder(withSelector())
              .editSpec()
              .withType("ExternalName")
              .withExternalName("registry.example.com")
              .endSpec()
              .build();
      assertThat(ids(create(external, handWritten))).doesNotContain(RuleId.SELECTOR_MIXES_SLICES);
    }

    @Test
    void isSilentWithoutSlices() {
      assertThat(create(withSelector())).isEmpty();
    }
  }
}
