package dev.endpointsguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of every HTTP-level error answer, {@code {"error": "…"}}, written by Jackson so that
 * quotes, backslashes and control characters in the text are escaped.
 */
public final class ErrorBody {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorBody() {}

  /** {@code {"error": message}} as UTF-8 JSON. */
  public static byte[] json(String message) {
    try {
      return MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an error body", e);
    }
  }
}
