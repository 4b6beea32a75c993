package dev.endpointsguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * JSON Patch round trips as the API server does them, and the API server's sessionAffinity
 * defaulting.
 */
public final class Patches {

  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private Patches() {}

  public static ObjectNode json(Service service) {
    return MAPPER.valueToTree(service);
  }

  /** The patch from {@code raw} to {@code draft}, diffed like {@code AdmissionHandler} does. */
  public static JsonNode diff(JsonNode raw, JsonNode draft) {
    return JsonDiff.asJson(
        raw,
        draft,
        EnumSet.of(
            DiffFlags.OMIT_VALUE_ON_REMOVE,
            DiffFlags.OMIT_MOVE_OPERATION,
            DiffFlags.OMIT_COPY_OPERATION));
  }

  public static Service apply(JsonNode patch, Service service) {
    return MAPPER.convertValue(JsonPatch.apply(patch, json(service)), Service.class);
  }

  public static JsonNode parse(byte[] patch) {
    try {
      return MAPPER.readTree(patch);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The {@code path} of every operation of a patch. */
  public static List<String> paths(JsonNode patch) {
    List<String> paths = new ArrayList<>();
    patch.forEach(op -> paths.add(op.path("path").asText()));
    return paths;
  }

  /**
   * {@code SetDefaults_Service} for sessionAffinity (as the API server does): "" becomes None, None
   * drops the config, ClientIP without a timeout gets {@code {clientIP: {timeoutSeconds: 10800}}}.
   * Applied before and after every mutating patch.
   */
  public static Service apiServerDefaults(Service service) {
    ServiceBuilder b = new ServiceBuilder(service);
    String affinity = service.getSpec().getSessionAffinity();
    if (affinity == null || affinity.isEmpty() || "None".equals(affinity)) {
      return b.editSpec()
          .withSessionAffinity("None")
          .withSessionAffinityConfig(null)
          .endSpec()
          .build();
    }
    var config = service.getSpec().getSessionAffinityConfig();
    if ("ClientIP".equals(affinity)
        && (config == null
            || config.getClientIP() == null
            || config.getClientIP().getTimeoutSeconds() == null)) {
      return b.editSpec()
          .withNewSessionAffinityConfig()
          .withNewClientIP()
          .withTimeoutSeconds(10800)
          .endClientIP()
          .endSessionAffinityConfig()
          .endSpec()
          .build();
    }
    return b.build();
  }
}
