package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streaming envelope reader: what it takes from a review, what it skips, and every way a body
 * is refused.
 */
class ReviewCodecTest {

  final ReviewCodec codec = new ReviewCodec(new ObjectMapper());

  static final String ENDPOINTS =
      "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"harbor\",\"namespace\":\"default\"},"
          + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.250\"}],\"ports\":[{\"port\":80}]}]}";

  ReviewEnvelope read(String body, boolean keepOldObject) {
    return codec.read(body.getBytes(StandardCharsets.UTF_8), keepOldObject, null);
  }

  @Test
  void readsEveryFieldTheWebhooksUseInAnyOrder() throws IOException {
    // request first, apiVersion last, unknown fields (nested ones too) in between
    String body =
        "{\"request\":{\"options\":{\"a\":[1,{\"b\":2}]},\"userInfo\":{\"username\":\"alice\",\"uid\":\"9\","
            + "\"groups\":[\"system:authenticated\",\"dev\"],\"extra\":{\"k\":[\"v\"]}},\"uid\":\"u-1\","
            + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Endpoints\"},\"operation\":\"UPDATE\","
            + "\"namespace\":\"default\",\"name\":\"harbor\",\"object\":"
            + ENDPOINTS
            + ",\"oldObject\":"
            + ENDPOINTS
            + ",\"dryRun\":false},\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1beta1\"}";

    ReviewEnvelope review = read(body, true);

    assertThat(review.apiVersion()).isEqualTo("admission.k8s.io/v1beta1");
    assertThat(review.uid()).isEqualTo("u-1");
    assertThat(review.group()).isEmpty();
    assertThat(review.kind()).isEqualTo("Endpoints");
    assertThat(review.operation()).isEqualTo("UPDATE");
    assertThat(review.namespace()).isEqualTo("default");
    assertThat(review.name()).isEqualTo("harbor");
    assertThat(review.username()).isEqualTo("alice");
    assertThat(review.groups()).containsExactly("system:authenticated", "dev");
    Endpoints object = codec.decode(review.object(), Endpoints.class);
    assertThat(object.getSubsets().get(0).getAddresses().get(0).getIp()).isEqualTo("10.0.0.250");
    assertThat(codec.decode(review.oldObject(), Endpoints.class)).isEqualTo(object);
    assertThat(codec.tree(review.object()).path("metadata").path("name").asText())
        .isEqualTo("harbor");
  }

  @Test
  void skipsTheOldObjectWhenTheWebhookDoesNotReadIt() {
    String body =
        review(
            "\"uid\":\"u\",\"operation\":\"UPDATE\",\"object\":"
                + ENDPOINTS
                + ",\"oldObject\":"
                + ENDPOINTS);
    assertThat(read(body, false).oldObject()).isNull();
    assertThat(read(body, false).object()).isNotNull();
    assertThat(read(body, true).oldObject()).isNotNull();
  }

  @Test
  void takesTheKindFromTheObjectWhenTheRequestDoesNotSayIt() {
    assertThat(read(review("\"uid\":\"u\",\"object\":" + ENDPOINTS), true).kind())
        .isEqualTo("Endpoints");
    assertThat(
            read(review("\"uid\":\"u\",\"object\":{\"metadata\":{\"kind\":\"nested\"}}"), true)
                .kind())
        .isEmpty();
  }

  @Test
  void aNullObjectIsAbsentAndAScalarIsKeptToFailWhenDecoded() {
    assertThat(read(review("\"uid\":\"u\",\"object\":null"), true).object()).isNull();
    ReviewEnvelope scalar = read(review("\"uid\":\"u\",\"object\":\"not an object\""), true);
    assertThat(scalar.object()).isNotNull();
    assertThatThrownBy(() -> codec.decode(scalar.object(), Endpoints.class))
        .isInstanceOf(IOException.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            not JSON                   | {"apiVersion":                                                                  | body is not JSON
            truncated inside request   | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u" | body is not JSON
            an array                   | [1,2]                                                                           | body is not a JSON object
            a string                   | "review"                                                                        | body is not a JSON object
            another kind               | {"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"u"}}         | body is not an AdmissionReview of admission.k8s.io/v1 or v1beta1 (apiVersion 'admission.k8s.io/v1', kind 'Pod')
            another version            | {"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"u"}} | body is not an AdmissionReview of admission.k8s.io/v1 or v1beta1 (apiVersion 'admission.k8s.io/v2', kind 'AdmissionReview')
            no request                 | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}                   | AdmissionReview has no request
            request not an object      | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":[{"uid":"u"}]} | AdmissionReview has no request
            no uid                     | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}} | AdmissionReview request has no uid
            empty uid                  | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}} | AdmissionReview request has no uid
            numeric uid                | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}} | AdmissionReview request has no uid
            uid an object              | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":{"a":[1]},"name":"n"}} | AdmissionReview request has no uid
            """)
  void refusesWhatIsNotAnAdmissionReview(String what, String body, String message) {
    assertThatThrownBy(() -> read(body, true))
        .isInstanceOf(BadRequestException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((BadRequestException) e).status()).isEqualTo(400));
  }

  @Test
  void deeplyNestedJsonIsABadRequest() {
    String nested = "[".repeat(100_000) + "]".repeat(100_000);
    for (String field : new String[] {"object", "oldObject", "options"}) {
      String body = review("\"uid\":\"x\",\"" + field + "\":" + nested);
      // the nesting limit holds whether the value is kept, skipped or unknown
      assertThatThrownBy(() -> read(body, false))
          .as(field)
          .isInstanceOf(BadRequestException.class)
          .hasMessageStartingWith("body is not JSON");
    }
  }

  static String review(String requestFields) {
    return "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{"
        + requestFields
        + "}}";
  }
}
