package dev.endpointsguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endpointsguard.rules.Decision;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.RuleAction;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The check's findings and summary, as text for people or as one JSON document. */
final class Report {

  /** The decision about one judged object. */
  record Result(String kind, String namespace, String name, Decision decision) {}

  private final List<Result> results;

  Report(List<Result> results) {
    this.results = List.copyOf(results);
  }

  int objects() {
    return results.size();
  }

  /** Objects with at least one denial. */
  int denied() {
    return (int) results.stream().filter(r -> !r.decision().allowed()).count();
  }

  /** Objects without a denial but with at least one warning. */
  int warned() {
    return (int)
        results.stream()
            .filter(r -> r.decision().allowed() && !r.decision().warnings().isEmpty())
            .count();
  }

  int passed() {
    return objects() - denied() - warned();
  }

  /** 0 without denials, 1 with one (or, strict, with a warning). */
  int status(boolean strict) {
    return denied() > 0 || (strict && warned() > 0) ? 1 : 0;
  }

  /**
   * {@code <Kind> <ns>/<name>: <deny|warn> [<rule-id>] <path>: <text>} per finding, denials of an
   * object first, then {@code N objects checked: D denied, W warned}.
   */
  void text(PrintStream out) {
    StringBuilder text = new StringBuilder();
    for (Result r : results) {
      String object = r.kind() + " " + r.namespace() + "/" + r.name() + ": ";
      for (Finding f : r.decision().denials()) {
        text.append(object).append(RuleAction.DENY.id()).append(' ').append(f.render());
        text.append('\n');
      }
      for (Finding f : r.decision().warnings()) {
        text.append(object).append(RuleAction.WARN.id()).append(' ').append(f.render());
        text.append('\n');
      }
    }
    text.append(objects())
        .append(objects() == 1 ? " object" : " objects")
        .append(" checked: ")
        .append(denied())
        .append(" denied, ")
        .append(warned())
        .append(" warned\n");
    out.print(text);
    out.flush();
  }

  /**
   * {@code {"findings": [{"kind", "namespace", "name", "action", "rule", "path", "message"}],
   * "summary": {"objects", "denied", "warned", "passed"}}}; {@code path} is empty for a finding
   * about the whole object.
   */
  void json(PrintStream out) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    ArrayNode findings = root.putArray("findings");
    for (Result r : results) {
      r.decision().denials().forEach(f -> finding(findings, r, RuleAction.DENY, f));
      r.decision().warnings().forEach(f -> finding(findings, r, RuleAction.WARN, f));
    }
    ObjectNode summary = root.putObject("summary");
    summary.put("objects", objects());
    summary.put("denied", denied());
    summary.put("warned", warned());
    summary.put("passed", passed());
    try {
      out.print(mapper.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.println();
    out.flush();
  }

  private static void finding(ArrayNode into, Result r, RuleAction action, Finding f) {
    ObjectNode node = into.addObject();
    node.put("kind", r.kind());
    node.put("namespace", r.namespace());
    node.put("name", r.name());
    node.put("action", action.id());
    node.put("rule", f.rule().id());
    node.put("path", f.field());
    node.put("message", f.text());
  }
}
