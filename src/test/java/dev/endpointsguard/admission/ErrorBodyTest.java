package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one writer of HTTP-level error bodies. */
class ErrorBodyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void quotesNewlinesAndControlCharactersAreEscaped() throws IOException {
    String message = "field \"kind\" is wrong\nsecond line\t\\ \u0001 ü";

    byte[] body = ErrorBody.json(message);

    JsonNode parsed = MAPPER.readTree(body);
    assertThat(parsed.size()).isEqualTo(1);
    assertThat(parsed.get("error").asText()).isEqualTo(message);
    assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("\n");
  }

  @Test
  void aPlainTextKeepsTheCompactForm() {
    assertThat(new String(ErrorBody.json("body is larger than 7 MiB"), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"body is larger than 7 MiB\"}");
  }
}
