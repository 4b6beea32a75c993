package dev.endpointsguard.admission;

import static dev.endpointsguard.rules.SessionAffinityDefaults.AFFINITY_ANNOTATION;
import static dev.endpointsguard.rules.SessionAffinityDefaults.TIMEOUT_ANNOTATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.endpointsguard.testing.KubeObjects;
import dev.endpointsguard.testing.Patches;
import dev.endpointsguard.testing.Reviews;
import dev.endpointsguard.testing.WebhookTestBase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both Service webhooks over HTTPS, with the CRUD mock API server as the cluster (default test
 * profile).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ServiceWebhooksTest extends WebhookTestBase {

  /**
   * The example cluster's {@code registry} Namespace, whose Services default to ClientIP for an
   * hour.
   */
  @BeforeEach
  void seed() {
    apply(
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("registry")
            .addToAnnotations(AFFINITY_ANNOTATION, "ClientIP")
            .addToAnnotations(TIMEOUT_ANNOTATION, "3600")
            .endMetadata()
            .build(),
        KubeObjects.endpoints("registry", "mirror", "10.0.0.11", "10.0.0.12"));
    awaitView(
        () ->
            view.endpoints("registry", "mirror").isPresent()
                && view.namespace("registry")
                    .map(ns -> ns.getMetadata().getAnnotations())
                    .filter(a -> a != null && "3600".equals(a.get(TIMEOUT_ANNOTATION)))
                    .isPresent());
  }

  /**
   * A registry Service as the API server hands it to a mutating webhook: sessionAffinity already
   * defaulted.
   */
  private static Service harbor(String... annotations) {
    ServiceBuilder b = KubeObjects.selectorless("registry", "harbor", "10.96.210.20");
    for (int i = 0; i < annotations.length; i += 2) {
      b.editMetadata().addToAnnotations(annotations[i], annotations[i + 1]).endMetadata();
    }
    return Patches.apiServerDefaults(b.build());
  }

  private ValidatableResponse post(String path, String body) {
    return https().body(body).post(path).then().statusCode(200);
  }

  private static Service patched(ValidatableResponse response, Service requestObject) {
    String patch = response.extract().path("response.patch");
    return Patches.apply(Patches.parse(Base64.getDecoder().decode(patch)), requestObject);
  }

  @Test
  void mutateAppliesTheNamespaceDefaultWithAFullResponse() {
    Service service = harbor();
    AdmissionReview review = Reviews.review("CREATE", service, null, Reviews.USER);

    ValidatableResponse response =
        post("/mutate/services", Reviews.json(review))
            .body("apiVersion", equalTo("admission.k8s.io/v1"))
            .body("kind", equalTo("AdmissionReview"))
            .body("response.uid", equalTo(review.getRequest().getUid()))
            .body("response.allowed", equalTo(true))
            .body("response.warnings", nullValue())
            .body("response.status", nullValue())
            .body("response.patchType", equalTo("JSONPatch"))
            .body(
                "response.auditAnnotations.'session-affinity'",
                equalTo("ClientIP timeout=3600s from namespace annotation"));

    Service result = patched(response, service);
    assertThat(result.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
    assertThat(result.getSpec().getSessionAffinityConfig().getClientIP().getTimeoutSeconds())
        .isEqualTo(3600);
    assertThat(
            new ServiceBuilder(result)
                .editSpec()
                .withSessionAffinity("None")
                .withSessionAffinityConfig(null)
                .endSpec()
                .build())
        .as("nothing but the two fields changed")
        .isEqualTo(service);

    post("/mutate/services", Reviews.create(Patches.apiServerDefaults(result)))
        .body("response.allowed", equalTo(true))
        .body("response.patch", nullValue())
        .body("response.patchType", nullValue())
        .body("response.auditAnnotations", nullValue());
  }

  @Test
  void mutateAnswersV1beta1AsV1beta1() {
    Service service = harbor(TIMEOUT_ANNOTATION, "60");
    AdmissionReview review = Reviews.review("UPDATE", service, service, Reviews.USER);

    ValidatableResponse response =
        post("/mutate/services", Reviews.v1beta1(review))
            .body("apiVersion", equalTo("admission.k8s.io/v1beta1"))
            .body("response.uid", equalTo(review.getRequest().getUid()))
            .body("response.patchType", equalTo("JSONPatch"))
            .body(
                "response.auditAnnotations.'session-affinity'",
                equalTo("ClientIP from namespace annotation, timeout=60s from Service annotation"));
    assertThat(
            patched(response, service)
                .getSpec()
                .getSessionAffinityConfig()
                .getClientIP()
                .getTimeoutSeconds())
        .isEqualTo(60);
  }

  @Test
  void mutateDeniesAnInvalidAnnotation() {
    post("/mutate/services", Reviews.create(harbor(AFFINITY_ANNOTATION, "sticky")))
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(403))
        .body(
            "response.status.message",
            startsWith(
                "Service \"registry/harbor\" denied: [session-affinity-invalid]"
                    + " metadata.annotations[endpoints-guard.dev/session-affinity]: \"sticky\""))
        .body("response.patch", nullValue());
  }

  @Test
  void mutateWarnsThatAHeadlessServiceIgnoresTheNamespaceClientIp() {
    Service headless =
        new ServiceBuilder(harbor())
            .editSpec()
            .withClusterIP("None")
            .withClusterIPs("None")
            .endSpec()
            .build();
    post("/mutate/services", Reviews.create(headless))
        .body("response.allowed", equalTo(true))
        .body("response.patch", nullValue())
        .body(
            "response.warnings",
            contains(startsWith("[session-affinity-ignored] ClientIP from the Namespace's")));
  }

  @Test
  void mutateLeavesTrustedUsersAlone() {
    post(
            "/mutate/services",
            Reviews.json(Reviews.review("CREATE", harbor(), null, "system:apiserver")))
        .body("response.allowed", equalTo(true))
        .body("response.patch", nullValue())
        .body("response.auditAnnotations", nullValue());
  }

  @Test
  void deleteIsAllowedWithoutPatchOrWarnings() {
    Service service = harbor(AFFINITY_ANNOTATION, "sticky");
    for (String path : new String[] {"/mutate/services", "/validate/services"}) {
      AdmissionReview review = Reviews.review("DELETE", null, service, Reviews.USER);
      post(path, Reviews.json(review))
          .body("response.uid", equalTo(review.getRequest().getUid()))
          .body("response.allowed", equalTo(true))
          .body("response.warnings", nullValue())
          .body("response.patch", nullValue())
          .body("response.patchType", nullValue());
    }
  }

  @Test
  void validateWarnsAboutASelectorlessServiceWithoutEndpoints() {
    post(
            "/validate/services",
            Reviews.create(KubeObjects.selectorless("registry", "cache", "10.96.210.21").build()))
        .body("response.allowed", equalTo(true))
        .body("response.patch", nullValue())
        .body(
            "response.warnings",
            contains(
                startsWith(
                    "[selectorless-without-endpoints] this Service has no selector,"
                        + " so nothing routes to it until Endpoints named \"registry/cache\" or an"
                        + " EndpointSlice labelled kubernetes.io/service-name for it are created")));
  }

  @Test
  void validateWarnsThatASelectorReplacesManualEndpoints() {
    Service mirror =
        KubeObjects.withSelector("registry", "mirror", "10.96.210.22", Map.of("app", "mirror"))
            .build();
    post("/validate/services", Reviews.create(mirror))
        .body("response.allowed", equalTo(true))
        .body(
            "response.warnings",
            contains(
                startsWith(
                    "[selector-overwrites-endpoints] spec.selector: the endpoints"
                        + " controller will replace the 2 addresses of Endpoints \"registry/mirror\"")));
  }

  @Test
  void validateDeniesAnUnparsableSelectorAnnotation() {
    Service annotated =
        new ServiceBuilder(KubeObjects.selectorless("registry", "mirror", "10.96.210.22").build())
            .editMetadata()
            .addToAnnotations("endpoints-guard.dev/selector", "app in (mirror")
            .endMetadata()
            .build();
    post("/validate/services", Reviews.create(annotated))
        .body("response.allowed", equalTo(false))
        .body("response.status.code", equalTo(403))
        .body("response.status.reason", equalTo("Forbidden"))
        .body(
            "response.status.message",
            startsWith("Service \"registry/mirror\" denied: [selector-annotation-invalid]"))
        .body("response.patch", nullValue());
  }
}
