package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.ClusterView;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Optional;

/**
 * The {@code service-missing} text, which leads to the fix: the Service the writer probably meant,
 * or, when none is near, the apply-order explanation ({@code kubectl apply -f} writes a file in
 * order, so Endpoints listed before their Service are written first). Runs only on this denial.
 */
final class ServiceMissing {

  /** Near means at most this many single-character edits. */
  static final int MAX_DISTANCE = 2;

  private ServiceMissing() {}

  /**
   * @param kind {@code Endpoints} or {@code EndpointSlice}
   * @param serviceName the Service the object names
   */
  static Finding finding(String kind, String namespace, String serviceName, ClusterView cluster) {
    String text =
        "no Service \""
            + namespace
            + "/"
            + serviceName
            + "\" exists, so nothing routes to "
            + ("Endpoints".equals(kind) ? "these Endpoints" : "this " + kind)
            + "; "
            + nearest(namespace, serviceName, cluster)
                .map(near -> "did you mean Service \"" + namespace + "/" + near + "\"?")
                .orElse(
                    "create a selectorless Service of that name, or fix the name; if the Service is"
                        + " in the same file, list it before the "
                        + kind
                        + " (kubectl applies in order) or apply again");
    return Finding.whole(RuleId.SERVICE_MISSING, text);
  }

  /** The closest near name in the namespace, then the alphabetically first. */
  static Optional<String> nearest(String namespace, String name, ClusterView cluster) {
    String folded = fold(name);
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (Service service : cluster.servicesIn(namespace)) {
      String other = service.getMetadata().getName();
      int distance = fold(other).equals(folded) ? 0 : boundedDistance(name, other);
      if (distance < bestDistance
          || distance == bestDistance && best != null && other.compareTo(best) < 0) {
        best = other;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Equal ignoring case, '-', '_' and '.'. */
  private static String fold(String name) {
    StringBuilder folded = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '-' && c != '_' && c != '.') {
        folded.append(Character.toLowerCase(c));
      }
    }
    return folded.toString();
  }

  /**
   * Levenshtein distance, or {@code MAX_DISTANCE + 1} as soon as it must exceed it. Only the band
   * of cells within {@code MAX_DISTANCE} of the diagonal can stay under the bound, so a pair costs
   * a few cells per character, and a row over the bound ends the search.
   */
  static int boundedDistance(String a, String b) {
    int over = MAX_DISTANCE + 1;
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > MAX_DISTANCE) {
      return over;
    }
    int[] previous = new int[m + 1];
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = Math.min(j, over);
    }
    for (int i = 1; i <= n; i++) {
      int from = Math.max(1, i - MAX_DISTANCE);
      int to = Math.min(m, i + MAX_DISTANCE);
      current[from - 1] = from == 1 ? Math.min(i, over) : over;
      int rowMin = over;
      for (int j = from; j <= to; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int value = Math.min(previous[j - 1] + cost, Math.min(previous[j], current[j - 1]) + 1);
        current[j] = Math.min(value, over);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (to < m) {
        current[to + 1] = over;
      }
      if (rowMin >= over) {
        return over;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[m];
  }
}
