package dev.endpointsguard.audit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which Events the leader has recorded: at most one per object, resourceVersion and rule. An entry
 * lives as long as its object is listed and keeps the rules of its current resourceVersion only, so
 * the memory is bounded by the objects present. Used by the audit thread only.
 */
final class EventMemory {

  private static final Logger LOG = Logger.getLogger(EventMemory.class);

  private record Recorded(String resourceVersion, Set<String> rules) {}

  private final Map<String, Recorded> recorded = new HashMap<>();

  /**
   * Records an Event for each violation whose (object, resourceVersion, rule) has none yet, at most
   * {@code limit} in this call. The first failure stops this call; what was not recorded is tried
   * again next run.
   *
   * @param present every object listed in this run: entries of others are dropped
   * @return the number of Events recorded
   */
  int record(List<Violation> violations, Set<String> present, EventSink sink, int limit) {
    recorded.keySet().retainAll(present);
    int written = 0;
    for (Violation v : violations) {
      Recorded entry = recorded.get(v.objectId());
      if (entry == null || !entry.resourceVersion().equals(v.resourceVersion())) {
        entry = new Recorded(v.resourceVersion(), new HashSet<>());
        recorded.put(v.objectId(), entry);
      }
      if (entry.rules().contains(v.ruleId())) {
        continue;
      }
      if (written >= limit) {
        LOG.debugf("Audit: %d Events recorded in this run; the rest follow next run", written);
        break;
      }
      try {
        sink.record(v);
      } catch (RuntimeException e) {
        LOG.warnf(
            "Audit: recording an Event on %s %s/%s failed (%s); Events are tried again next run",
            v.kind(), v.namespace(), v.name(), e.getMessage());
        break;
      }
      entry.rules().add(v.ruleId());
      written++;
    }
    return written;
  }

  /** Objects with an entry: what the memory holds. */
  int size() {
    return recorded.size();
  }
}
