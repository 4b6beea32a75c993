package dev.endpointsguard.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an Endpoints or EndpointSlice straight from the review's token stream into the fabric8
 * model: no token buffer and no reflective data binding for the hundreds of addresses and ports a
 * review may carry (a profile of the loaded webhook showed both as a third of its time). Small,
 * rarely-set parts ({@code ownerReferences}, {@code managedFields}, {@code hints}) still go through
 * Jackson's data binding.
 *
 * <p>A value of the wrong shape is recorded as the problem and skipped whole, so the parser always
 * ends on the object's last token and the rest of the review is read as usual; the webhook then
 * fails closed on the problem as it would on any decoding error. Unknown fields are skipped (the
 * API server has already dropped them from built-in kinds).
 */
final class ModelReader {

  private final JsonParser p;
  private final ObjectMapper mapper;
  private String kind = "";
  private String problem;

  private ModelReader(JsonParser p, ObjectMapper mapper) {
    this.p = p;
    this.mapper = mapper;
  }

  /** The Endpoints the parser stands on (its START_OBJECT, or a value of another shape). */
  static ReviewObject.Decoded endpoints(JsonParser p, ObjectMapper mapper) throws IOException {
    ModelReader reader = new ModelReader(p, mapper);
    return reader.done(reader.endpoints());
  }

  /** The EndpointSlice the parser stands on. */
  static ReviewObject.Decoded endpointSlice(JsonParser p, ObjectMapper mapper) throws IOException {
    ModelReader reader = new ModelReader(p, mapper);
    return reader.done(reader.endpointSlice());
  }

  private ReviewObject.Decoded done(Object value) {
    return new ReviewObject.Decoded(problem == null ? value : null, kind, problem);
  }

  private Endpoints endpoints() throws IOException {
    Endpoints endpoints = new Endpoints();
    object(
        field -> {
          switch (field) {
            case "apiVersion" -> endpoints.setApiVersion(string());
            case "kind" -> endpoints.setKind(kind(string()));
            case "metadata" -> endpoints.setMetadata(metadata());
            case "subsets" -> endpoints.setSubsets(list(this::subset));
            default -> p.skipChildren();
          }
        });
    return endpoints;
  }

  private EndpointSubset subset() throws IOException {
    EndpointSubset subset = new EndpointSubset();
    object(
        field -> {
          switch (field) {
            case "addresses" -> subset.setAddresses(list(this::address));
            case "notReadyAddresses" -> subset.setNotReadyAddresses(list(this::address));
            case "ports" -> subset.setPorts(list(this::endpointsPort));
            default -> p.skipChildren();
          }
        });
    return subset;
  }

  /** The one object a review has hundreds of: read in a plain loop, without a reader lambda. */
  private EndpointAddress address() throws IOException {
    EndpointAddress address = new EndpointAddress();
    if (p.currentToken() != JsonToken.START_OBJECT) {
      mismatch("an object");
      return address;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "ip" -> address.setIp(string());
        case "hostname" -> address.setHostname(string());
        case "nodeName" -> address.setNodeName(string());
        case "targetRef" -> address.setTargetRef(reference());
        default -> p.skipChildren();
      }
    }
    return address;
  }

  private EndpointPort endpointsPort() throws IOException {
    EndpointPort port = new EndpointPort();
    object(
        field -> {
          switch (field) {
            case "name" -> port.setName(string());
            case "port" -> port.setPort(integer());
            case "protocol" -> port.setProtocol(string());
            case "appProtocol" -> port.setAppProtocol(string());
            default -> p.skipChildren();
          }
        });
    return port;
  }

  private EndpointSlice endpointSlice() throws IOException {
    EndpointSlice slice = new EndpointSlice();
    object(
        field -> {
          switch (field) {
            case "apiVersion" -> slice.setApiVersion(string());
            case "kind" -> slice.setKind(kind(string()));
            case "metadata" -> slice.setMetadata(metadata());
            case "addressType" -> slice.setAddressType(string());
            case "endpoints" -> slice.setEndpoints(list(this::endpoint));
            case "ports" -> slice.setPorts(list(this::slicePort));
            default -> p.skipChildren();
          }
        });
    return slice;
  }

  private Endpoint endpoint() throws IOException {
    Endpoint endpoint = new Endpoint();
    object(
        field -> {
          switch (field) {
            case "addresses" -> endpoint.setAddresses(list(this::string));
            case "conditions" -> endpoint.setConditions(conditions());
            case "hostname" -> endpoint.setHostname(string());
            case "nodeName" -> endpoint.setNodeName(string());
            case "zone" -> endpoint.setZone(string());
            case "targetRef" -> endpoint.setTargetRef(reference());
            case "hints" -> endpoint.setHints(bound(EndpointHints.class));
            case "deprecatedTopology" -> endpoint.setDeprecatedTopology(stringMap());
            default -> p.skipChildren();
          }
        });
    return endpoint;
  }

  private EndpointConditions conditions() throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    EndpointConditions conditions = new EndpointConditions();
    object(
        field -> {
          switch (field) {
            case "ready" -> conditions.setReady(bool());
            case "serving" -> conditions.setServing(bool());
            case "terminating" -> conditions.setTerminating(bool());
            default -> p.skipChildren();
          }
        });
    return conditions;
  }

  private io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort slicePort() throws IOException {
    var port = new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort();
    object(
        field -> {
          switch (field) {
            case "name" -> port.setName(string());
            case "port" -> port.setPort(integer());
            case "protocol" -> port.setProtocol(string());
            case "appProtocol" -> port.setAppProtocol(string());
            default -> p.skipChildren();
          }
        });
    return port;
  }

  /**
   * The metadata fields read field by field; the nested, rarely small ones ({@code
   * ownerReferences}, {@code managedFields}) through data binding.
   */
  private ObjectMeta metadata() throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    ObjectMeta meta = new ObjectMeta();
    object(
        field -> {
          switch (field) {
            case "name" -> meta.setName(string());
            case "namespace" -> meta.setNamespace(string());
            case "generateName" -> meta.setGenerateName(string());
            case "uid" -> meta.setUid(string());
            case "resourceVersion" -> meta.setResourceVersion(string());
            case "creationTimestamp" -> meta.setCreationTimestamp(string());
            case "deletionTimestamp" -> meta.setDeletionTimestamp(string());
            case "selfLink" -> meta.setSelfLink(string());
            case "labels" -> meta.setLabels(stringMap());
            case "annotations" -> meta.setAnnotations(stringMap());
            case "finalizers" -> meta.setFinalizers(list(this::string));
            case "generation" -> meta.setGeneration(longValue());
            case "deletionGracePeriodSeconds" -> meta.setDeletionGracePeriodSeconds(longValue());
            case "ownerReferences" ->
                meta.setOwnerReferences(list(() -> bound(OwnerReference.class)));
            case "managedFields" ->
                meta.setManagedFields(list(() -> bound(ManagedFieldsEntry.class)));
            default -> p.skipChildren();
          }
        });
    return meta;
  }

  private ObjectReference reference() throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    ObjectReference ref = new ObjectReference();
    object(
        field -> {
          switch (field) {
            case "apiVersion" -> ref.setApiVersion(string());
            case "kind" -> ref.setKind(string());
            case "name" -> ref.setName(string());
            case "namespace" -> ref.setNamespace(string());
            case "uid" -> ref.setUid(string());
            case "resourceVersion" -> ref.setResourceVersion(string());
            case "fieldPath" -> ref.setFieldPath(string());
            default -> p.skipChildren();
          }
        });
    return ref;
  }

  @FunctionalInterface
  private interface FieldReader {
    /** Reads the value of {@code field}; the parser stands on its first token. */
    void read(String field) throws IOException;
  }

  @FunctionalInterface
  private interface ValueReader<T> {
    T read() throws IOException;
  }

  /**
   * Hands each field to the reader; records a problem when the value is not an object (the value
   * decoded so far is then dropped, see {@link #done}).
   */
  private void object(FieldReader reader) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      mismatch("an object");
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      reader.read(field);
    }
  }

  /** A JSON array as a list (null elements kept, as data binding keeps them); null for null. */
  private <T> List<T> list(ValueReader<T> element) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_ARRAY) {
      mismatch("an array");
      return null;
    }
    List<T> list = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        throw new IOException("unexpected end of the object");
      }
      list.add(t == JsonToken.VALUE_NULL ? null : element.read());
    }
    return list;
  }

  /** A scalar as text, as data binding coerces scalars into a String field; null for null. */
  private String string() throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != null && token.isScalarValue()) {
      return p.getText();
    }
    mismatch("a string");
    return null;
  }

  private Integer integer() throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return p.getIntValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      String text = p.getText().trim();
      if (text.isEmpty()) {
        return null;
      }
      try {
        return Integer.valueOf(text);
      } catch (NumberFormatException e) {
        // fall through to the mismatch
      }
    }
    mismatch("a 32-bit integer");
    return null;
  }

  private Long longValue() throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    if (token == JsonToken.VALUE_STRING) {
      try {
        return Long.valueOf(p.getText().trim());
      } catch (NumberFormatException e) {
        // fall through to the mismatch
      }
    }
    mismatch("a 64-bit integer");
    return null;
  }

  private Boolean bool() throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    if (token == JsonToken.VALUE_STRING
        && ("true".equals(p.getText()) || "false".equals(p.getText()))) {
      return Boolean.valueOf(p.getText());
    }
    mismatch("a boolean");
    return null;
  }

  private Map<String, String> stringMap() throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    object(field -> map.put(field, string()));
    return map;
  }

  /** A small part through Jackson's data binding, buffered first so a failure cannot desync. */
  private <T> T bound(Class<T> type) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    String where = p.getParsingContext().pathAsPointer().toString();
    TokenBuffer buffer = new TokenBuffer(p, null);
    buffer.copyCurrentStructure(p);
    try (JsonParser tokens = buffer.asParser(mapper)) {
      return mapper.readValue(tokens, type);
    } catch (IOException e) {
      problem(
          "Cannot decode "
              + where
              + ": "
              + Messages.firstLine(
                  e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
      return null;
    }
  }

  private String kind(String value) {
    kind = value == null ? "" : value;
    return value;
  }

  /** Records the first problem and skips the offending value whole. */
  private void mismatch(String expected) throws IOException {
    problem(
        "Cannot decode "
            + p.getParsingContext().pathAsPointer()
            + ": expected "
            + expected
            + ", found "
            + p.currentToken());
    p.skipChildren();
  }

  private void problem(String text) {
    if (problem == null) {
      problem = text;
    }
  }
}
