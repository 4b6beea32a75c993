package dev.endpointsguard.rules;

import java.util.List;

/**
 * What the rules know of one admission request, independent of the wire format: a typed object (and
 * its old version on UPDATE), who writes it and where.
 *
 * @param namespace the request namespace (the object's own may be empty on CREATE)
 * @param name the request name (may be empty with generateName)
 */
public record AdmissionRequest<T>(
    Operation operation,
    String namespace,
    String name,
    String username,
    List<String> groups,
    T object,
    T oldObject) {

  public AdmissionRequest {
    groups = groups == null ? List.of() : List.copyOf(groups);
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  public static <T> AdmissionRequest<T> create(
      String namespace, String name, String username, T object) {
    return new AdmissionRequest<>(
        Operation.CREATE, namespace, name, username, List.of(), object, null);
  }

  public static <T> AdmissionRequest<T> update(
      String namespace, String name, String username, T object, T oldObject) {
    return new AdmissionRequest<>(
        Operation.UPDATE, namespace, name, username, List.of(), object, oldObject);
  }

  public boolean isCreate() {
    return operation == Operation.CREATE;
  }

  public boolean isUpdate() {
    return operation == Operation.UPDATE;
  }
}
