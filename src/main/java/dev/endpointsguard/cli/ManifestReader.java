package dev.endpointsguard.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.endpointsguard.cluster.ManifestFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads manifests for the check: files, directories (every {@code .yaml}, {@code .yml} and {@code
 * .json} below, in name order) and standard input ({@code -}); several documents per file and
 * {@code List} kinds. Every problem names the file and, inside a file, the line.
 *
 * <p>Only the kinds the rules and the cluster view read are kept; others (Deployments, ConfigMaps,
 * ...) are skipped. Objects are bound with a plain Jackson mapper to the fabric8 model classes,
 * which keeps the start fast.
 */
final class ManifestReader {

  /** One object read, with where it came from for messages. */
  record Manifest(HasMetadata object, String source, int line) {}

  static final String STDIN = "-";

  /** (apiVersion, kind) of everything kept. */
  private final ObjectMapper mapper =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final YAMLFactory yaml = new YAMLFactory();
  private final JsonFactory json = new JsonFactory();
  private final InputStream stdin;

  ManifestReader(InputStream stdin) {
    this.stdin = stdin;
  }

  /**
   * @throws InputException naming the path that is missing, unreadable or does not parse
   */
  List<Manifest> read(List<String> paths) {
    List<Manifest> manifests = new ArrayList<>();
    for (String p : paths) {
      if (STDIN.equals(p)) {
        parse(stdin, "<stdin>", false, manifests);
        continue;
      }
      Path path = Path.of(p);
      if (!Files.exists(path)) {
        throw new InputException(p + ": no such file or directory");
      }
      for (Path file : files(path)) {
        try (InputStream in = Files.newInputStream(file)) {
          parse(in, file.toString(), file.toString().endsWith(".json"), manifests);
        } catch (NoSuchFileException e) {
          throw new InputException(file + ": no such file or directory", e);
        } catch (IOException e) {
          throw new InputException(file + ": cannot read: " + e.getMessage(), e);
        }
      }
    }
    return manifests;
  }

  private static List<Path> files(Path path) {
    try {
      return ManifestFiles.manifestFiles(path);
    } catch (IOException e) {
      throw new InputException(path + ": cannot list the directory: " + e.getMessage(), e);
    }
  }

  private void parse(InputStream in, String source, boolean isJson, List<Manifest> into) {
    try (JsonParser parser = isJson ? json.createParser(in) : yaml.createParser(in)) {
      ManifestFiles.walk(
          parser,
          mapper,
          (node, type, line) ->
              into.add(new Manifest(bind(node, type, source, line), source, line)));
    } catch (ManifestFiles.NotAnObjectException e) {
      throw new InputException(source + ":" + e.line() + ": " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new InputException(at(source, e.getLocation()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InputException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** One object in its model class; a failure names the file, line, kind, name and field. */
  private HasMetadata bind(
      JsonNode node, Class<? extends HasMetadata> type, String source, int line) {
    String kind = node.path("kind").asText("");
    try {
      return ManifestFiles.bind(node, type, mapper);
    } catch (JsonMappingException e) {
      throw new InputException(
          source
              + ":"
              + line
              + ": "
              + kind
              + " "
              + node.path("metadata").path("name").asText("")
              + ": "
              + fieldPath(e)
              + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InputException(source + ":" + line + ": " + kind + ": " + e.getMessage(), e);
    }
  }

  /** {@code spec.ports[0].port: } from the exception's path, or nothing. */
  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "" : path + ": ";
  }

  private static String at(String source, JsonLocation location) {
    if (location == null || location.getLineNr() <= 0) {
      return source;
    }
    return source + ":" + location.getLineNr() + ":" + location.getColumnNr();
  }
}
