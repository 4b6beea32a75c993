package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Kubernetes objects from YAML/JSON manifests: multi-document files, {@code List} kinds,
 * whole directories.
 */
public final class ManifestFiles {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

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
        try (InputStream in = Files.newInputStream(file)) {
          flatten(SERIALIZATION.unmarshal(in), objects);
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

  private static void flatten(Object parsed, List<HasMetadata> into) {
    if (parsed instanceof KubernetesResourceList<?> list) {
      list.getItems().forEach(item -> flatten(item, into));
    } else if (parsed instanceof HasMetadata object) {
      into.add(object);
    } else if (parsed instanceof Collection<?> items) {
      items.forEach(item -> flatten(item, into));
    }
  }
}
