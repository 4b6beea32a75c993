package dev.endpointsguard.cli;

import dev.endpointsguard.rules.RuleAction;
import dev.endpointsguard.rules.RuleId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The command line of {@code check}.
 *
 * @param kubeconfig absent: no live read; present and empty: the usual kubeconfig resolution;
 *     otherwise the file to use
 */
record CheckOptions(
    List<String> files,
    List<String> clusterFiles,
    Optional<Optional<String>> kubeconfig,
    Format format,
    boolean strict,
    Map<RuleId, RuleAction> rules,
    boolean help) {

  enum Format {
    TEXT,
    JSON
  }

  static final String USAGE =
      """
      Usage: endpoints-guard check -f PATH [-f PATH]... [--cluster PATH]... [--kubeconfig [FILE]]
                                   [-o text|json] [--strict] [--rule ID=ACTION]...

      Judges every Endpoints and Service in the manifests as a CREATE by an untrusted user, with the
      rules the admission webhooks use, without starting the server.

        -f, --filename PATH   a manifest file or a directory of them (.yaml, .yml, .json);
                              - reads standard input; may be repeated
            --cluster PATH    manifests that add to the cluster the rules look at; may be repeated
            --kubeconfig [FILE]
                              also read the live cluster once (lists only); without FILE the
                              usual kubeconfig resolution (KUBECONFIG, ~/.kube/config, in-cluster)
        -o, --output FORMAT   text (default) or json
            --strict          a warning fails the check too
            --rule ID=ACTION  set one rule to deny, warn or off for this run; may be repeated
        -h, --help            show this text

      Exit status: 0 no denial, 1 a denial (or a warning with --strict), 2 usage or input error.
      """;

  /**
   * @throws UsageException for anything not understood
   */
  static CheckOptions parse(List<String> args) {
    List<String> files = new ArrayList<>();
    List<String> cluster = new ArrayList<>();
    Optional<Optional<String>> kubeconfig = Optional.empty();
    Format format = Format.TEXT;
    boolean strict = false;
    Map<RuleId, RuleAction> rules = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inline = null;
      if (arg.startsWith("--") && arg.contains("=")) {
        name = arg.substring(0, arg.indexOf('='));
        inline = arg.substring(arg.indexOf('=') + 1);
      }
      switch (name) {
        case "-h", "--help" -> {
          return new CheckOptions(
              List.of(), List.of(), Optional.empty(), Format.TEXT, false, Map.of(), true);
        }
        case "-f", "--filename" -> {
          String value = inline != null ? inline : value(args, ++i, arg);
          files.add(value);
        }
        case "--cluster" -> cluster.add(inline != null ? inline : value(args, ++i, arg));
        case "--kubeconfig" -> {
          if (inline != null) {
            kubeconfig = Optional.of(Optional.of(inline));
          } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
            kubeconfig = Optional.of(Optional.of(args.get(++i)));
          } else {
            kubeconfig = Optional.of(Optional.empty());
          }
        }
        case "-o", "--output" -> format = format(inline != null ? inline : value(args, ++i, arg));
        case "--strict" -> {
          if (inline != null) {
            throw new UsageException("--strict takes no value");
          }
          strict = true;
        }
        case "--rule" -> rule(inline != null ? inline : value(args, ++i, arg), rules);
        default -> throw new UsageException("unknown option '" + arg + "'");
      }
    }
    if (files.isEmpty()) {
      throw new UsageException("no manifests given: use -f PATH (- for standard input)");
    }
    return new CheckOptions(
        List.copyOf(files), List.copyOf(cluster), kubeconfig, format, strict, rules, false);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).isEmpty()) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(i);
  }

  private static Format format(String value) {
    return switch (value) {
      case "text" -> Format.TEXT;
      case "json" -> Format.JSON;
      default -> throw new UsageException("-o: unknown format '" + value + "'; use text or json");
    };
  }

  private static void rule(String value, Map<RuleId, RuleAction> rules) {
    int eq = value.indexOf('=');
    if (eq < 0) {
      throw new UsageException(
          "--rule " + value + ": expected ID=ACTION, e.g. service-missing=warn");
    }
    String id = value.substring(0, eq).trim();
    String action = value.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
    RuleId rule =
        RuleId.byId(id)
            .orElseThrow(
                () ->
                    new UsageException(
                        "--rule "
                            + value
                            + ": unknown rule id '"
                            + id
                            + "'; known ids: "
                            + Arrays.stream(RuleId.values())
                                .map(RuleId::id)
                                .collect(Collectors.joining(", "))));
    RuleAction parsed =
        Arrays.stream(RuleAction.values())
            .filter(a -> a.id().equals(action))
            .findFirst()
            .orElseThrow(
                () ->
                    new UsageException(
                        "--rule "
                            + value
                            + ": unknown action '"
                            + action
                            + "'; use deny, warn or off"));
    rules.put(rule, parsed);
  }
}
