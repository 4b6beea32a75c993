package dev.endpointsguard.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.cluster.ClusterView;
import dev.endpointsguard.kube.Services;
import dev.endpointsguard.kube.SessionAffinityType;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The sessionAffinity defaults (docs/service-rules.md). Sources, strongest first: the Service's
 * annotations, the Service's own {@code spec.sessionAffinity: ClientIP} (an explicit choice:
 * defaulting never produces it), the Namespace's annotations, the global config (CREATE only). The
 * affinity comes from the strongest source that names one, the timeout from the strongest source
 * that names one, so a timeout annotation alone refines whichever ClientIP wins. Only the two
 * fields that differ are edited, so the result is a fixed point (API server re-invocation and
 * re-defaulting produce no second patch).
 */
public final class SessionAffinityDefaults implements Mutator<Service> {

  public static final String AFFINITY_ANNOTATION = "endpoints-guard.dev/session-affinity";
  public static final String TIMEOUT_ANNOTATION = "endpoints-guard.dev/session-affinity-timeout";
  public static final String AUDIT_KEY = "session-affinity";
  private static final Pattern WHOLE_SECONDS = Pattern.compile("[0-9]{1,9}");

  /** What one source says; either part may be absent. */
  record Source(String name, Optional<SessionAffinityType> affinity, OptionalInt timeout) {
    static Source silent(String name) {
      return new Source(name, Optional.empty(), OptionalInt.empty());
    }
  }

  @Override
  public Mutation mutate(
      AdmissionRequest<Service> request, ObjectNode draft, ClusterView cluster, Settings settings) {
    List<Finding> findings = new ArrayList<>();
    Source service =
        annotations(annotationsOf(request.object()), "Service annotation", null, findings);
    Source namespace =
        cluster
            .namespace(request.namespace())
            .map(
                ns ->
                    annotations(
                        ns.getMetadata().getAnnotations(),
                        "namespace annotation",
                        request.namespace(),
                        findings))
            .orElse(Source.silent("namespace annotation"));

    Optional<String> notProxied = notProxiedReason(request.object());
    if (notProxied.isPresent()) {
      ignoredClientIp(service, namespace, notProxied.get(), findings);
      return new Mutation(findings, Map.of());
    }
    ObjectNode spec = draft.get("spec") instanceof ObjectNode s ? s : draft.putObject("spec");
    Source global =
        new Source(
            "global config",
            request.isCreate() ? Optional.of(settings.defaultAffinity()) : Optional.empty(),
            OptionalInt.of(settings.affinityTimeoutSeconds()));
    List<Source> chain = List.of(service, explicitSpec(spec), namespace, global);

    Optional<Source> affinitySource =
        chain.stream().filter(s -> s.affinity().isPresent()).findFirst();
    if (affinitySource.isEmpty()) {
      return new Mutation(
          findings, Map.of()); // UPDATE without any annotation: the Service keeps what it has
    }
    SessionAffinityType affinity = affinitySource.get().affinity().get();
    if (affinity == SessionAffinityType.None) {
      return new Mutation(
          findings, applyNone(spec) ? audit("None from " + affinitySource.get().name()) : Map.of());
    }
    Source timeoutSource =
        chain.stream().filter(s -> s.timeout().isPresent()).findFirst().orElseThrow();
    int timeout = timeoutSource.timeout().getAsInt();
    if (!applyClientIp(spec, timeout)) {
      return new Mutation(findings, Map.of());
    }
    String from =
        affinitySource.get() == timeoutSource
            ? "ClientIP timeout=" + timeout + "s from " + timeoutSource.name()
            : "ClientIP from "
                + affinitySource.get().name()
                + ", timeout="
                + timeout
                + "s from "
                + timeoutSource.name();
    return new Mutation(findings, audit(from));
  }

  /**
   * Reads one level's annotations; an invalid value is reported and then treated as absent, so that
   * a rule configured to warn still lets the weaker sources apply.
   *
   * @param namespace the Namespace carrying them, or null for the Service's own annotations
   */
  static Source annotations(
      Map<String, String> annotations, String name, String namespace, List<Finding> findings) {
    Map<String, String> values = annotations == null ? Map.of() : annotations;
    Optional<SessionAffinityType> affinity = Optional.empty();
    String affinityText = values.get(AFFINITY_ANNOTATION);
    if (affinityText != null) {
      affinity = SessionAffinityType.parse(affinityText);
      if (affinity.isEmpty()) {
        findings.add(invalid(AFFINITY_ANNOTATION, affinityText, namespace, "use ClientIP or None"));
      }
    }
    OptionalInt timeout = OptionalInt.empty();
    String timeoutText = values.get(TIMEOUT_ANNOTATION);
    if (timeoutText != null) {
      timeout = parseTimeout(timeoutText);
      if (timeout.isEmpty()) {
        findings.add(
            invalid(
                TIMEOUT_ANNOTATION,
                timeoutText,
                namespace,
                "use whole seconds from 1 to " + SessionAffinityType.MAX_TIMEOUT_SECONDS));
      }
    }
    return new Source(name, affinity, timeout);
  }

  static OptionalInt parseTimeout(String text) {
    if (!WHOLE_SECONDS.matcher(text).matches()) {
      return OptionalInt.empty();
    }
    int seconds = Integer.parseInt(text);
    return seconds >= 1 && seconds <= SessionAffinityType.MAX_TIMEOUT_SECONDS
        ? OptionalInt.of(seconds)
        : OptionalInt.empty();
  }

  private static Finding invalid(String annotation, String value, String namespace, String fix) {
    if (namespace == null) {
      return Finding.of(
          RuleId.SESSION_AFFINITY_INVALID,
          "metadata.annotations[" + annotation + "]",
          "\"" + value + "\" on this Service is not valid; " + fix);
    }
    return Finding.whole(
        RuleId.SESSION_AFFINITY_INVALID,
        annotation
            + " \""
            + value
            + "\" on Namespace \""
            + namespace
            + "\" is not valid; "
            + fix
            + " in the Namespace's annotation");
  }

  /**
   * A Service that says ClientIP itself chose it; None is indistinguishable from the API server's
   * default.
   */
  private static Source explicitSpec(ObjectNode spec) {
    if (!SessionAffinityType.ClientIP.name().equals(spec.path("sessionAffinity").asText())) {
      return Source.silent("Service spec");
    }
    JsonNode timeout = spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds");
    return new Source(
        "Service spec",
        Optional.of(SessionAffinityType.ClientIP),
        timeout.isIntegralNumber() ? OptionalInt.of(timeout.asInt()) : OptionalInt.empty());
  }

  /** kube-proxy does not proxy these Services, so an affinity would be a setting without effect. */
  private static Optional<String> notProxiedReason(Service service) {
    if (Services.isExternalName(service)) {
      return Optional.of("ExternalName Services are a DNS alias and never proxied");
    }
    if (Services.isHeadless(service)) {
      return Optional.of("headless Services (clusterIP: None) are never proxied");
    }
    return Optional.empty();
  }

  /**
   * Warns only when an annotation, not the global config, asked for ClientIP: the config cannot
   * know the Service.
   */
  private static void ignoredClientIp(
      Source service, Source namespace, String reason, List<Finding> findings) {
    Source asking = service.affinity().isPresent() ? service : namespace;
    if (asking.affinity().orElse(null) != SessionAffinityType.ClientIP) {
      return;
    }
    String why = " is ignored: " + reason + ", so session affinity has no effect";
    findings.add(
        asking == service
            ? Finding.of(
                RuleId.SESSION_AFFINITY_IGNORED,
                "metadata.annotations[" + AFFINITY_ANNOTATION + "]",
                "ClientIP" + why + "; remove the annotation")
            : Finding.whole(
                RuleId.SESSION_AFFINITY_IGNORED,
                "ClientIP from the Namespace's "
                    + AFFINITY_ANNOTATION
                    + " annotation"
                    + why
                    + "; annotate this Service with None to silence this"));
  }

  /**
   * @return whether the draft changed. A missing sessionAffinity is None: the API server defaults
   *     it so.
   */
  private static boolean applyNone(ObjectNode spec) {
    boolean changed = false;
    if (spec.hasNonNull("sessionAffinity")
        && !SessionAffinityType.None.name().equals(spec.get("sessionAffinity").asText())) {
      spec.put("sessionAffinity", SessionAffinityType.None.name());
      changed = true;
    }
    if (spec.has("sessionAffinityConfig")) {
      spec.remove("sessionAffinityConfig"); // the API server forbids a config with None
      changed = true;
    }
    return changed;
  }

  /**
   * @return whether the draft changed; only the differing fields are written.
   */
  private static boolean applyClientIp(ObjectNode spec, int timeout) {
    boolean changed = false;
    if (!SessionAffinityType.ClientIP.name().equals(spec.path("sessionAffinity").asText())) {
      spec.put("sessionAffinity", SessionAffinityType.ClientIP.name());
      changed = true;
    }
    ObjectNode config = child(spec, "sessionAffinityConfig");
    ObjectNode clientIp = child(config, "clientIP");
    JsonNode current = clientIp.path("timeoutSeconds");
    if (!current.isIntegralNumber() || current.asInt() != timeout) {
      clientIp.put("timeoutSeconds", timeout);
      changed = true;
    }
    return changed;
  }

  private static ObjectNode child(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode existing ? existing : parent.putObject(field);
  }

  private static Map<String, String> annotationsOf(Service service) {
    return service.getMetadata() == null || service.getMetadata().getAnnotations() == null
        ? Map.of()
        : service.getMetadata().getAnnotations();
  }

  private static Map<String, String> audit(String text) {
    return Map.of(AUDIT_KEY, text);
  }
}
