package dev.endpointsguard.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReviewCodecTest {

    final ReviewCodec codec = new ReviewCodec(new ObjectMapper());

    @Test
    void deeplyNestedJsonIsABadRequest() {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        String body = "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"x\",\"object\":" + nested + "}}";
        assertThatThrownBy(() -> codec.read(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("body is not JSON");
    }
}
