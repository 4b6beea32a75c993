package dev.endpointsguard.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a Pod manifest to the fields {@link Slimmer} keeps, the only ones the view holds: binding
 * the whole Pod model makes Jackson build deserializers for hundreds of classes (volumes, probes,
 * security contexts), about half a second of every start of the files source and of {@code check}.
 */
final class PodManifests {

  private PodManifests() {}

  static Pod read(JsonNode node, ObjectMapper mapper) throws JsonProcessingException {
    Pod pod = new Pod();
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      pod.setMetadata(mapper.treeToValue(metadata, ObjectMeta.class));
    }
    JsonNode spec = object(node, "spec");
    if (spec != null) {
      PodSpec podSpec = new PodSpec();
      podSpec.setNodeName(text(spec, "nodeName"));
      podSpec.setHostname(text(spec, "hostname"));
      podSpec.setSubdomain(text(spec, "subdomain"));
      JsonNode hostNetwork = spec.get("hostNetwork");
      podSpec.setHostNetwork(
          hostNetwork == null || hostNetwork.isNull() ? null : hostNetwork.asBoolean());
      podSpec.setContainers(containers(array(spec, "spec.containers"), mapper));
      podSpec.setInitContainers(containers(array(spec, "spec.initContainers"), mapper));
      pod.setSpec(podSpec);
    }
    JsonNode status = object(node, "status");
    if (status != null) {
      PodStatus podStatus = new PodStatus();
      podStatus.setPhase(text(status, "phase"));
      podStatus.setPodIP(text(status, "podIP"));
      podStatus.setPodIPs(list(array(status, "status.podIPs"), PodIP.class, mapper));
      podStatus.setConditions(list(array(status, "status.conditions"), PodCondition.class, mapper));
      pod.setStatus(podStatus);
    }
    return pod;
  }

  /** Name, ports and restart policy (a sidecar's {@code Always}) of each container. */
  private static List<Container> containers(JsonNode containers, ObjectMapper mapper)
      throws JsonProcessingException {
    List<Container> kept = new ArrayList<>();
    if (containers == null) {
      return kept;
    }
    for (JsonNode c : containers) {
      Container container = new Container();
      container.setName(text(c, "name"));
      container.setRestartPolicy(text(c, "restartPolicy"));
      container.setPorts(list(array(c, "spec.containers[].ports"), ContainerPort.class, mapper));
      kept.add(container);
    }
    return kept;
  }

  private static <T> List<T> list(JsonNode array, Class<T> type, ObjectMapper mapper)
      throws JsonProcessingException {
    List<T> items = new ArrayList<>();
    if (array != null) {
      for (JsonNode item : array) {
        items.add(mapper.treeToValue(item, type));
      }
    }
    return items;
  }

  /** The object at {@code field}; null when absent or null; a clear error for another shape. */
  private static JsonNode object(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException("Pod " + field + " must be an object, not " + value);
    }
    return value;
  }

  /**
   * The array at {@code path}'s last field; null when absent or null; an error for another shape.
   */
  private static JsonNode array(JsonNode node, String path) {
    JsonNode value = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException("Pod " + path + " must be a list, not " + value);
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
