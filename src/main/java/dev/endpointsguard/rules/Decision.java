package dev.endpointsguard.rules;

import dev.endpointsguard.config.RuleAction;
import dev.endpointsguard.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Findings sorted by their configured action: denials decide, warnings are passed on, {@code off} is dropped. */
public record Decision(List<Finding> denials, List<Finding> warnings) {

    public static Decision of(List<Finding> findings, Settings settings) {
        List<Finding> deny = new ArrayList<>();
        List<Finding> warn = new ArrayList<>();
        for (Finding f : findings) {
            switch (settings.action(f.rule())) {
                case DENY -> deny.add(f);
                case WARN -> warn.add(f);
                case OFF -> { }
            }
        }
        return new Decision(List.copyOf(deny), List.copyOf(warn));
    }

    public boolean allowed() {
        return denials.isEmpty();
    }

    public RuleAction actionOf(Finding finding) {
        return denials.contains(finding) ? RuleAction.DENY : RuleAction.WARN;
    }

    /** Each warning finding rendered and cut to the API server's per-warning limit. */
    public List<String> warningTexts() {
        return warnings.stream().map(Finding::renderAsWarning).toList();
    }

    /** {@code <Kind> "<namespace>/<name>" denied: } followed by the deny findings joined with {@code ; }. */
    public String denialMessage(String kind, String namespace, String name) {
        return kind + " \"" + namespace + "/" + name + "\" denied: "
                + denials.stream().map(Finding::render).collect(Collectors.joining("; "));
    }
}
