package dev.endpointsguard.admission;

import java.util.List;

/**
 * The parts of an AdmissionReview request every webhook reads, independent of v1 / v1beta1.
 *
 * @param apiVersion echoed in the response
 * @param kind the object kind from {@code request.kind} (or the object itself)
 * @param group the object API group ({@code ""} for core)
 * @param object the object as read (decoded on the way for the hot-path kinds, else kept as tokens
 *     until the webhook knows it wants it); null when absent
 * @param oldObject likewise; also null when the webhook does not read it
 */
public record ReviewEnvelope(
    String apiVersion,
    String uid,
    String group,
    String kind,
    String operation,
    String namespace,
    String name,
    String username,
    List<String> groups,
    ReviewObject object,
    ReviewObject oldObject) {}
