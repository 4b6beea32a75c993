package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hand-written decoder of the hot-path kinds gives what Jackson's data binding gives, and a
 * value of the wrong shape fails the object without derailing the rest of the review.
 */
class ModelReaderTest {

  final ObjectMapper mapper = new ObjectMapper();
  final ReviewCodec codec = new ReviewCodec(mapper);

  static Endpoints richEndpoints() {
    return new EndpointsBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("harbor")
        .withLabels(Map.of("app", "harbor", "endpointslice.kubernetes.io/skip-mirror", "false"))
        .withAnnotations(Map.of("note", "hand-written"))
        .withFinalizers("example.com/keep")
        .withDeletionTimestamp("2026-12-01T00:00:00Z")
        .withDeletionGracePeriodSeconds(30L)
        .withResourceVersion("42")
        .withUid("0c4f8e0e-6b0a-4c1e-9d59-1c0c1d2a3b4c")
        .withGeneration(3L)
        .withGenerateName("harbor-")
        .withCreationTimestamp("2026-11-30T00:00:00Z")
        .addNewOwnerReference()
        .withApiVersion("v1")
        .withKind("Service")
        .withName("harbor")
        .withUid("u-0")
        .withController(true)
        .endOwnerReference()
        .addNewManagedField()
        .withManager("kubectl")
        .withOperation("Update")
        .withApiVersion("v1")
        .withNewFieldsV1()
        .addToAdditionalProperties("f:subsets", Map.of())
        .endFieldsV1()
        .endManagedField()
        .endMetadata()
        .addNewSubset()
        .addNewAddress()
        .withIp("10.0.0.250")
        .withHostname("registry")
        .withNodeName("node-1")
        .withNewTargetRef()
        .withKind("Pod")
        .withNamespace("default")
        .withName("registry-0")
        .withUid("u-1")
        .withResourceVersion("7")
        .withApiVersion("v1")
        .withFieldPath("spec")
        .endTargetRef()
        .endAddress()
        .addNewAddress()
        .withIp("010.000.000.001")
        .endAddress()
        .addNewNotReadyAddress()
        .withIp("fd00::1")
        .endNotReadyAddress()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .withAppProtocol("http")
        .endPort()
        .addNewPort()
        .withPort(443)
        .endPort()
        .endSubset()
        .addNewSubset()
        .endSubset()
        .build();
  }

  static EndpointSlice richSlice() {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("harbor-1")
        .withLabels(Map.of("kubernetes.io/service-name", "harbor"))
        .endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint()
        .withAddresses("10.0.0.250", "10.0.0.251")
        .withNewConditions()
        .withReady(true)
        .withServing(false)
        .endConditions()
        .withHostname("registry")
        .withNodeName("node-1")
        .withZone("zone-a")
        .withDeprecatedTopology(Map.of("topology.kubernetes.io/zone", "zone-a"))
        .withNewHints()
        .addNewForZone("zone-a")
        .endHints()
        .withNewTargetRef()
        .withKind("Pod")
        .withName("registry-0")
        .endTargetRef()
        .endEndpoint()
        .addNewEndpoint()
        .withAddresses("10.0.0.252")
        .endEndpoint()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .withAppProtocol("http")
        .endPort()
        .build();
  }

  ReviewEnvelope review(String object, String after, Class<?> type) {
    String body =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"kind\":{\"group\":\"\",\"kind\":\"Endpoints\"},\"object\":"
            + object
            + ",\"oldObject\":"
            + object
            + ","
            + after
            + "}}";
    return codec.read(body.getBytes(StandardCharsets.UTF_8), true, type);
  }

  @Test
  void endpointsDecodeAsDataBindingDecodesThem() throws IOException {
    String json = mapper.writeValueAsString(richEndpoints());
    ReviewEnvelope review = review(json, "\"uid\":\"u\"", Endpoints.class);
    assertThat(review.object()).isInstanceOf(ReviewObject.Decoded.class);
    Endpoints decoded = codec.decode(review.object(), Endpoints.class);
    assertThat(decoded).isEqualTo(mapper.readValue(json, Endpoints.class));
    assertThat(codec.decode(review.oldObject(), Endpoints.class)).isEqualTo(decoded);
    assertThat(review.uid()).isEqualTo("u");
  }

  @Test
  void slicesDecodeAsDataBindingDecodesThem() throws IOException {
    String json = mapper.writeValueAsString(richSlice());
    ReviewEnvelope review = review(json, "\"uid\":\"u\"", EndpointSlice.class);
    EndpointSlice decoded = codec.decode(review.object(), EndpointSlice.class);
    assertThat(decoded).isEqualTo(mapper.readValue(json, EndpointSlice.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          nulls and absent lists | {"kind":"Endpoints","metadata":null,"subsets":[{"addresses":null,"ports":[null]}]} | {"kind":"Endpoints","metadata":null,"subsets":[{"addresses":null,"ports":[null]}]}
          coerced scalars        | {"subsets":[{"addresses":[{"ip":17}],"ports":[{"port":"80","name":true}]}]}      | {"subsets":[{"addresses":[{"ip":"17"}],"ports":[{"port":80,"name":"true"}]}]}
          unknown fields dropped | {"x":{"y":[1,{"z":2}]},"subsets":[{"q":[],"addresses":[{"ip":"10.0.0.1","w":{}}]}]} | {"subsets":[{"addresses":[{"ip":"10.0.0.1"}]}]}
          an empty object        | {}                                                                                  | {}
          """)
  void oddButReadableShapesDecodeAsDataBindingDecodesTheirPlainForm(
      String what, String json, String plain) throws IOException {
    Endpoints decoded =
        codec.decode(review(json, "\"uid\":\"u\"", Endpoints.class).object(), Endpoints.class);
    assertThat(decoded).isEqualTo(mapper.readValue(plain, Endpoints.class));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          subsets a string      | {"subsets":"x"}                                   | /request/object/subsets
          port not a number     | {"subsets":[{"ports":[{"port":"eighty"}]}]}       | /request/object/subsets/0/ports/0/port
          port too large        | {"subsets":[{"ports":[{"port":4294967296}]}]}     | /request/object/subsets/0/ports/0/port
          ip an object          | {"subsets":[{"addresses":[{"ip":{"v":4}}]}]}      | /request/object/subsets/0/addresses/0/ip
          metadata a list       | {"metadata":[1]}                                  | /request/object/metadata
          object a string       | "not an object"                                   | /request/object
          """)
  void wrongShapesFailTheObjectAndTheReviewIsStillRead(String what, String json, String where) {
    ReviewEnvelope review = review(json, "\"uid\":\"after-the-object\"", Endpoints.class);
    assertThat(review.uid()).isEqualTo("after-the-object");
    assertThatThrownBy(() -> codec.decode(review.object(), Endpoints.class))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(where);
  }
}
