package dev.endpointsguard.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads AdmissionReview requests (v1 and v1beta1) and writes responses in the same version. */
public final class ReviewCodec {

  public static final Set<String> VERSIONS =
      Set.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1");

  private final ObjectMapper mapper;

  public ReviewCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * Reads the envelope with a streaming parser. {@code object} (and {@code oldObject} when asked)
   * is decoded on the way when {@code type} is one {@link ModelReader} reads (Endpoints,
   * EndpointSlice), else kept as tokens and decoded later straight into the typed model: no
   * intermediate JSON tree, which for a large Endpoints costs several times the body in heap.
   *
   * @param keepOldObject false skips {@code oldObject} without storing it (a webhook whose rules
   *     never read it)
   * @param type the webhook's model class, or null to keep both objects as tokens
   * @throws BadRequestException (400) when the body is not an AdmissionReview with a request and
   *     its uid
   */
  public ReviewEnvelope read(byte[] body, boolean keepOldObject, Class<?> type) {
    ObjectReader objects = objectReader(type);
    Fields review = new Fields();
    try (JsonParser p = mapper.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRequestException(400, "body is not a JSON object");
      }
      fields(
          p,
          (field, value) -> {
            switch (field) {
              case "apiVersion" -> review.apiVersion = text(p);
              case "kind" -> review.kind = text(p);
              case "request" ->
                  review.request =
                      value == JsonToken.START_OBJECT
                          ? readRequest(p, keepOldObject, objects)
                          : skip(p);
              default -> p.skipChildren();
            }
          });
    } catch (JacksonException e) {
      throw new BadRequestException(
          400, "body is not JSON: " + Messages.firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new BadRequestException(400, "body could not be read: " + e.getMessage());
    }
    if (!"AdmissionReview".equals(review.kind) || !VERSIONS.contains(review.apiVersion)) {
      throw new BadRequestException(
          400,
          "body is not an AdmissionReview of admission.k8s.io/v1 or v1beta1 (apiVersion '"
              + review.apiVersion
              + "', kind '"
              + review.kind
              + "')");
    }
    Request request = review.request;
    if (request == null) {
      throw new BadRequestException(400, "AdmissionReview has no request");
    }
    if (request.uid.isEmpty()) {
      throw new BadRequestException(400, "AdmissionReview request has no uid");
    }
    String kind =
        request.kind.isEmpty() && request.object != null ? kindOf(request.object) : request.kind;
    return new ReviewEnvelope(
        review.apiVersion,
        request.uid,
        request.group,
        kind,
        request.operation,
        request.namespace,
        request.name,
        request.username,
        request.groups,
        request.object,
        request.oldObject);
  }

  /**
   * The fields of {@code request} that the webhooks read; the parser stands on its START_OBJECT.
   */
  private Request readRequest(JsonParser p, boolean keepOldObject, ObjectReader objects)
      throws IOException {
    Request request = new Request();
    fields(
        p,
        (field, value) -> {
          switch (field) {
            case "uid" -> { // a uid is a string, anything else counts as none
              request.uid = value == JsonToken.VALUE_STRING ? p.getText() : "";
              p.skipChildren();
            }
            case "operation" -> request.operation = text(p);
            case "namespace" -> request.namespace = text(p);
            case "name" -> request.name = text(p);
            case "kind" ->
                fields(
                    p,
                    (kindField, kindValue) -> {
                      switch (kindField) {
                        case "group" -> request.group = text(p);
                        case "kind" -> request.kind = text(p);
                        default -> p.skipChildren();
                      }
                    });
            case "userInfo" ->
                fields(
                    p,
                    (userField, userValue) -> {
                      if ("username".equals(userField)) {
                        request.username = text(p);
                      } else if ("groups".equals(userField) && userValue == JsonToken.START_ARRAY) {
                        for (JsonToken t = p.nextToken();
                            t != null && t != JsonToken.END_ARRAY;
                            t = p.nextToken()) {
                          request.groups.add(text(p));
                        }
                      } else {
                        p.skipChildren();
                      }
                    });
            case "object" -> request.object = objects.read(p);
            case "oldObject" -> request.oldObject = keepOldObject ? objects.read(p) : skip(p);
            default -> p.skipChildren();
          }
        });
    return request;
  }

  /**
   * Reads one field of an object; the parser stands on the field's value, which the reader consumes
   * or skips.
   */
  @FunctionalInterface
  private interface FieldReader {
    void read(String field, JsonToken value) throws IOException;
  }

  /**
   * Hands each field of the object the parser stands on to the reader; any other value is skipped
   * whole.
   */
  private static void fields(JsonParser p, FieldReader reader) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      reader.read(field, p.nextToken());
    }
  }

  /** Reads {@code object} or {@code oldObject}; the parser stands on its first token. */
  @FunctionalInterface
  private interface ObjectReader {
    ReviewObject read(JsonParser p) throws IOException;
  }

  private ObjectReader objectReader(Class<?> type) {
    ObjectReader decode =
        type == Endpoints.class
            ? p -> ModelReader.endpoints(p, mapper)
            : type == EndpointSlice.class ? p -> ModelReader.endpointSlice(p, mapper) : null;
    return p -> {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      return decode != null ? decode.read(p) : buffer(p);
    };
  }

  /** A value kept for later decoding (one that is not an object fails there, as it should). */
  private static ReviewObject buffer(JsonParser p) throws IOException {
    TokenBuffer buffer = new TokenBuffer(p, null);
    buffer.copyCurrentStructure(p);
    return new ReviewObject.Buffered(buffer);
  }

  private String kindOf(ReviewObject object) {
    return object instanceof ReviewObject.Decoded decoded
        ? decoded.kind()
        : topLevelText(((ReviewObject.Buffered) object).tokens(), "kind");
  }

  /**
   * A scalar as text (as {@code JsonNode.asText} would give it); "" for null, objects and arrays.
   */
  private static String text(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    if (token != null && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  /** Skips the current value and answers null, for fields of the wrong shape. */
  private static <T> T skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /** A top-level string field of a buffered object, without decoding the rest of it. */
  private String topLevelText(TokenBuffer object, String name) {
    StringBuilder found = new StringBuilder();
    try (JsonParser p = object.asParser(mapper)) {
      p.nextToken();
      fields(
          p,
          (field, value) -> {
            if (name.equals(field)) {
              found.append(text(p));
            } else {
              p.skipChildren();
            }
          });
    } catch (IOException e) {
      return "";
    }
    return found.toString();
  }

  /** The object in the model class. */
  public <T> T decode(ReviewObject object, Class<T> type) throws IOException {
    if (object instanceof ReviewObject.Decoded decoded) {
      return decoded.as(type);
    }
    try (JsonParser p = ((ReviewObject.Buffered) object).tokens().asParser(mapper)) {
      return mapper.readValue(p, type);
    }
  }

  /** A buffered object as a JSON tree (the mutating webhook diffs trees). */
  public ObjectNode tree(ReviewObject object) throws IOException {
    if (!(object instanceof ReviewObject.Buffered buffered)) {
      throw new IOException("the object was decoded while reading; read it as tokens for a tree");
    }
    try (JsonParser p = buffered.tokens().asParser(mapper)) {
      return mapper.readTree(p);
    }
  }

  private static final class Fields {
    String apiVersion = "";
    String kind = "";
    Request request;
  }

  private static final class Request {
    String uid = "";
    String group = "";
    String kind = "";
    String operation = "";
    String namespace = "";
    String name = "";
    String username = "";
    final List<String> groups = new ArrayList<>();
    ReviewObject object;
    ReviewObject oldObject;
  }

  /**
   * The answer, written straight to bytes (no JSON tree in between: this runs for every review).
   */
  public byte[] write(ReviewEnvelope request, ReviewResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("apiVersion", request.apiVersion());
      g.writeStringField("kind", "AdmissionReview");
      g.writeObjectFieldStart("response");
      g.writeStringField("uid", request.uid());
      g.writeBooleanField("allowed", response.allowed());
      if (!response.allowed()) {
        g.writeObjectFieldStart("status");
        g.writeNumberField("code", response.statusCode());
        g.writeStringField(
            "reason",
            response.statusCode() == 403
                ? "Forbidden"
                : response.statusCode() == 503 ? "ServiceUnavailable" : "InternalError");
        g.writeStringField("message", response.message());
        g.writeEndObject();
      }
      if (!response.warnings().isEmpty()) {
        g.writeArrayFieldStart("warnings");
        for (String warning : response.warnings()) {
          g.writeString(warning);
        }
        g.writeEndArray();
      }
      if (response.jsonPatch() != null) {
        g.writeStringField("patchType", "JSONPatch");
        g.writeStringField("patch", Base64.getEncoder().encodeToString(response.jsonPatch()));
      }
      if (!response.auditAnnotations().isEmpty()) {
        g.writeObjectFieldStart("auditAnnotations");
        for (Map.Entry<String, String> annotation : response.auditAnnotations().entrySet()) {
          g.writeStringField(annotation.getKey(), annotation.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write AdmissionReview", e);
    }
    return out.toByteArray();
  }

  /** {@code {"error": message}}: see {@link ErrorBody}. */
  public byte[] error(String message) {
    return ErrorBody.json(message);
  }
}
