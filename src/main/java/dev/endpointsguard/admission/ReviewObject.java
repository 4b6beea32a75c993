package dev.endpointsguard.admission;

import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * {@code request.object} or {@code request.oldObject} as read from a review: either kept as tokens
 * for later decoding, or already decoded on the way by {@link ModelReader} (Endpoints and
 * EndpointSlices, the kinds on the hot path).
 */
public sealed interface ReviewObject {

  /** The tokens of the object, decoded when the webhook asks for them. */
  record Buffered(TokenBuffer tokens) implements ReviewObject {}

  /**
   * An object decoded while the review was read.
   *
   * @param value the object; null when it could not be decoded
   * @param kind its top-level {@code kind} field, {@code ""} when absent
   * @param problem why it could not be decoded, or null
   */
  record Decoded(Object value, String kind, String problem) implements ReviewObject {

    <T> T as(Class<T> type) throws IOException {
      if (problem != null) {
        throw new IOException(problem);
      }
      if (!type.isInstance(value)) {
        throw new IOException("the object was read as " + value.getClass().getSimpleName());
      }
      return type.cast(value);
    }
  }
}
