package dev.endpointsguard.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** The parsed output of one {@code helm template} run. */
record Manifests(List<HasMetadata> all) {

  static Manifests parse(String yaml) {
    return new Manifests(List.copyOf(Helm.parseAll(yaml)));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return all.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> kind(String kind) {
    return all.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected exactly one " + type.getSimpleName() + " but found " + found.size());
    }
    return found.get(0);
  }

  <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }
}
