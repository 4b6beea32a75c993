package dev.endpointsguard.rules;

import java.util.List;
import java.util.Map;

/** What a {@link Mutator} found and what it wants recorded in the audit log (keys without '/'). */
public record Mutation(List<Finding> findings, Map<String, String> auditAnnotations) {

  public Mutation {
    findings = List.copyOf(findings);
    auditAnnotations = Map.copyOf(auditAnnotations);
  }

  public static Mutation none() {
    return new Mutation(List.of(), Map.of());
  }
}
