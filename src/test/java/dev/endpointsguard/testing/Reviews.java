package dev.endpointsguard.testing;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.UUID;

/**
 * AdmissionReview requests built with the fabric8 model, serialised as the API server sends them.
 */
public final class Reviews {

  public static final String USER = "alice";

  private Reviews() {}

  public static AdmissionReview review(
      String operation, HasMetadata object, HasMetadata oldObject, String username) {
    HasMetadata any = object != null ? object : oldObject;
    String kind = any.getKind();
    String resource = kind.toLowerCase() + (kind.endsWith("s") ? "" : "s");
    String apiVersion = any.getApiVersion() == null ? "v1" : any.getApiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    return new AdmissionReviewBuilder()
        .withNewRequest()
        .withUid(UUID.randomUUID().toString())
        .withKind(new GroupVersionKind(group, kind, version))
        .withResource(
            new io.fabric8.kubernetes.api.model.GroupVersionResource(group, resource, version))
        .withName(any.getMetadata().getName())
        .withNamespace(any.getMetadata().getNamespace())
        .withOperation(operation)
        .withUserInfo(
            new UserInfoBuilder()
                .withUsername(username)
                .addToGroups("system:authenticated")
                .build())
        .withObject(object)
        .withOldObject(oldObject)
        .withDryRun(false)
        .endRequest()
        .build();
  }

  public static String create(HasMetadata object) {
    return json(review("CREATE", object, null, USER));
  }

  public static String update(HasMetadata object, HasMetadata oldObject) {
    return json(review("UPDATE", object, oldObject, USER));
  }

  public static String json(AdmissionReview review) {
    return Serialization.asJson(review);
  }

  /** The same review as {@code admission.k8s.io/v1beta1}, whose request has the same shape. */
  public static String v1beta1(AdmissionReview review) {
    return json(review)
        .replaceFirst(
            "\"apiVersion\":\"admission.k8s.io/v1\"",
            "\"apiVersion\":\"admission.k8s.io/v1beta1\"");
  }
}
