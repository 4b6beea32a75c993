package dev.endpointsguard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Findings sorted by their configured action (capped at warn for a finding marked {@link
 * Finding#atMostWarn()}): denials decide, warnings are passed on, {@code off} is dropped.
 */
public record Decision(List<Finding> denials, List<Finding> warnings) {

  /**
   * Bounds for pathological objects (thousands of bad addresses): the API server shows about 4096
   * characters of warnings anyway, and a denial message of megabytes helps nobody.
   */
  static final int MAX_LISTED = 50;

  public static Decision of(List<Finding> findings, Settings settings) {
    List<Finding> deny = new ArrayList<>();
    List<Finding> warn = new ArrayList<>();
    for (Finding f : findings) {
      switch (f.action(settings)) {
        case DENY -> deny.add(f);
        case WARN -> warn.add(f);
        case OFF -> {}
      }
    }
    return new Decision(List.copyOf(deny), List.copyOf(warn));
  }

  public boolean allowed() {
    return denials.isEmpty();
  }

  /** Each warning finding rendered and cut to the API server's per-warning limit. */
  public List<String> warningTexts() {
    if (warnings.size() <= MAX_LISTED) {
      return warnings.stream().map(Finding::renderAsWarning).toList();
    }
    List<String> texts =
        new ArrayList<>(
            warnings.subList(0, MAX_LISTED - 1).stream().map(Finding::renderAsWarning).toList());
    Finding next = warnings.get(MAX_LISTED - 1);
    texts.add(
        Finding.truncate(
            "["
                + next.rule().id()
                + "] … and "
                + (warnings.size() - MAX_LISTED + 1)
                + " more warnings not shown"));
    return texts;
  }

  /**
   * {@code <Kind> "<namespace>/<name>" denied: } followed by the deny findings joined with {@code ;
   * }.
   */
  public String denialMessage(String kind, String namespace, String name) {
    String listed =
        denials.stream().limit(MAX_LISTED).map(Finding::render).collect(Collectors.joining("; "));
    String more =
        denials.size() > MAX_LISTED ? "; … and " + (denials.size() - MAX_LISTED) + " more" : "";
    return kind + " \"" + namespace + "/" + name + "\" denied: " + listed + more;
  }
}
