package dev.endpointsguard.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads Kubernetes objects from YAML/JSON manifests: multi-document files, {@code List} kinds,
 * whole directories. Only the {@link #KINDS} the view and the rules read are bound (with a plain
 * Jackson mapper: fabric8's generic deserializer first indexes every model class it knows, seconds
 * of start-up for objects that are then thrown away); other kinds are skipped.
 */
public final class ManifestFiles {

  /** The kinds read from manifests, by {@code apiVersion/kind}. */
  public static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/Service", Service.class,
          "v1/Endpoints", Endpoints.class,
          "v1/Pod", Pod.class,
          "v1/Namespace", Namespace.class,
          "v1/Node", Node.class,
          "discovery.k8s.io/v1/EndpointSlice", EndpointSlice.class);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonFactory JSON = new JsonFactory();

  private ManifestFiles() {}

  /**
   * @throws IllegalArgumentException naming the path that is missing or does not parse
   */
  public static List<HasMetadata> load(List<String> paths) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String p : paths) {
      Path path = Path.of(p.trim());
      if (!Files.exists(path)) {
        throw new IllegalArgumentException(
            "endpoints-guard.cluster.files: " + path.toAbsolutePath() + " does not exist");
      }
      for (Path file : manifests(path)) {
        try (InputStream in = Files.newInputStream(file);
            JsonParser parser =
                file.toString().endsWith(".json") ? JSON.createParser(in) : YAML.createParser(in)) {
          walk(parser, MAPPER, (node, type, line) -> objects.add(bind(node, type, MAPPER)));
        } catch (NotAnObjectException e) {
          throw new IllegalArgumentException(
              "endpoints-guard.cluster.files: "
                  + file
                  + " is not a readable Kubernetes manifest: line "
                  + e.line()
                  + ": "
                  + e.getMessage(),
              e);
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException(
              "endpoints-guard.cluster.files: "
                  + file
                  + " is not a readable Kubernetes manifest: "
                  + e.getMessage(),
              e);
        }
      }
    }
    return objects;
  }

  /**
   * The manifest files of a path: the file itself, or the {@code .yaml}, {@code .yml} and {@code
   * .json} files below a directory, in name order.
   *
   * @throws IOException when a directory cannot be listed
   */
  public static List<Path> manifestFiles(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> files = Files.walk(path)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f ->
                  f.toString().endsWith(".yaml")
                      || f.toString().endsWith(".yml")
                      || f.toString().endsWith(".json"))
          .sorted()
          .toList();
    }
  }

  private static List<Path> manifests(Path path) {
    try {
      return manifestFiles(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "endpoints-guard.cluster.files: cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * One manifest of a kind in {@link #KINDS} as its model class; a Pod with only what the view
   * keeps ({@link PodManifests}).
   */
  public static HasMetadata bind(
      JsonNode node, Class<? extends HasMetadata> type, ObjectMapper mapper)
      throws JsonProcessingException {
    return type == Pod.class ? PodManifests.read(node, mapper) : mapper.treeToValue(node, type);
  }

  /** Takes one object of a kind in {@link #KINDS}, with the line its document starts on. */
  @FunctionalInterface
  public interface ObjectSink {
    void accept(JsonNode object, Class<? extends HasMetadata> type, int line) throws IOException;
  }

  /** A document, an array item or a List item that is not a Kubernetes object. */
  public static final class NotAnObjectException extends IllegalArgumentException {
    private final int line;

    NotAnObjectException(int line, String message) {
      super(message);
      this.line = line;
    }

    /** The line its document starts on. */
    public int line() {
      return line;
    }
  }

  /**
   * Hands every object of a kind in {@link #KINDS} to the sink: several documents per stream, a
   * top-level array, {@code List} kinds; other kinds are skipped, empty documents too.
   *
   * @throws NotAnObjectException for something that is not a Kubernetes object
   * @throws IOException when the text does not parse (a {@code JsonProcessingException}, with its
   *     location) or cannot be read
   */
  public static void walk(JsonParser parser, ObjectMapper mapper, ObjectSink sink)
      throws IOException {
    for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
      int line = parser.currentTokenLocation().getLineNr();
      if (token == JsonToken.VALUE_NULL) {
        continue; // an empty YAML document
      }
      JsonNode document = mapper.readTree(parser);
      if (document.isArray()) {
        for (JsonNode item : document) {
          object(item, line, sink);
        }
      } else {
        object(document, line, sink);
      }
    }
  }

  private static void object(JsonNode node, int line, ObjectSink sink) throws IOException {
    if (!node.isObject()) {
      throw new NotAnObjectException(line, "not a Kubernetes object: " + node);
    }
    String kind = node.path("kind").asText("");
    String apiVersion = node.path("apiVersion").asText("");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      throw new NotAnObjectException(
          line, "not a Kubernetes object: apiVersion and kind must be set");
    }
    if (kind.endsWith("List") && node.has("items")) {
      for (JsonNode item : node.get("items")) {
        object(item, line, sink);
      }
      return;
    }
    Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
    if (type != null) {
      sink.accept(node, type, line);
    }
  }
}
