package dev.endpointsguard.admission;

import java.util.List;
import java.util.Map;

/** One admission answer before it is written in the request's AdmissionReview version. */
public record ReviewResponse(
    boolean allowed,
    int statusCode,
    String message,
    List<String> warnings,
    byte[] jsonPatch,
    Map<String, String> auditAnnotations,
    String decision) {

  public static final String ALLOW = "allow";
  public static final String WARN = "warn";
  public static final String DENY = "deny";
  public static final String ERROR = "error";

  public static ReviewResponse allow() {
    return new ReviewResponse(true, 0, null, List.of(), null, Map.of(), ALLOW);
  }

  public static ReviewResponse allow(
      List<String> warnings, byte[] patch, Map<String, String> audit) {
    return new ReviewResponse(
        true, 0, null, warnings, patch, audit, warnings.isEmpty() ? ALLOW : WARN);
  }

  public static ReviewResponse deny(
      int code, String message, List<String> warnings, String decision) {
    return new ReviewResponse(false, code, message, warnings, null, Map.of(), decision);
  }

  /** An evaluation failure on a hook that fails open: allowed, with the failure as a warning. */
  public static ReviewResponse failOpen(String warning) {
    return new ReviewResponse(true, 0, null, List.of(warning), null, Map.of(), ERROR);
  }
}
