package dev.endpointsguard.cli;

import dev.endpointsguard.cli.ManifestReader.Manifest;
import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.config.GuardConfig;
import dev.endpointsguard.config.SettingsFactory;
import dev.endpointsguard.rules.Decision;
import dev.endpointsguard.rules.Finding;
import dev.endpointsguard.rules.Settings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code endpoints-guard check}: judges manifests with the webhooks' validators, offline, in plain
 * Java (no CDI, no server, no port). See docs/check.md.
 */
public final class CheckCommand {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int ERROR = 2;

  /** Where an object without {@code metadata.namespace} is created, as kubectl does. */
  static final String DEFAULT_NAMESPACE = "default";

  private static final String CONFIG_PREFIX = "endpoints-guard.";
  private static final String ENV_PREFIX = "ENDPOINTS_GUARD_";

  private CheckCommand() {}

  /**
   * Runs the check.
   *
   * @param args the arguments after {@code check}
   * @param env the environment, for {@code ENDPOINTS_GUARD_*} configuration
   * @param systemProperties for {@code endpoints-guard.*} configuration
   * @return the exit status: 0 no denial, 1 a denial (or a warning with {@code --strict}), 2 usage
   *     or input error
   */
  public static int run(
      List<String> args,
      InputStream stdin,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      Properties systemProperties) {
    CheckOptions options;
    try {
      options = CheckOptions.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(CheckOptions.USAGE);
      err.flush();
      return ERROR;
    }
    if (options.help()) {
      out.print(CheckOptions.USAGE);
      out.flush();
      return OK;
    }
    try {
      Settings settings = settings(options, env, systemProperties);
      Report report = check(options, stdin, settings);
      if (options.format() == CheckOptions.Format.JSON) {
        report.json(out);
      } else {
        report.text(out);
      }
      return report.status(options.strict());
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ERROR;
    }
  }

  static Report check(CheckOptions options, InputStream stdin, Settings settings) {
    ManifestReader reader = new ManifestReader(stdin);
    List<Manifest> judged = reader.read(options.files());
    List<Manifest> cluster = reader.read(options.clusterFiles());

    // Later puts replace earlier ones: the live cluster, then --cluster, then the -f objects.
    InMemoryClusterView view = new InMemoryClusterView();
    options.kubeconfig().ifPresent(kubeconfig -> LiveCluster.read(kubeconfig, view::put));
    for (Manifest m : cluster) {
      prepare(m);
      view.put(m.object());
    }
    for (Manifest m : judged) {
      prepare(m);
      view.put(m.object());
    }

    List<Report.Result> results = new ArrayList<>();
    for (Manifest m : judged) {
      HasMetadata object = m.object();
      Judge.of(object)
          .ifPresent(
              judge -> {
                List<Finding> findings;
                try {
                  findings = judge.judge(object, view, settings);
                } catch (RuntimeException e) {
                  throw new InputException(
                      m.source()
                          + ":"
                          + m.line()
                          + ": "
                          + judge.kind()
                          + " "
                          + name(object)
                          + ": internal error while judging: "
                          + e,
                      e);
                }
                results.add(
                    new Report.Result(
                        judge.kind(),
                        object.getMetadata().getNamespace(),
                        object.getMetadata().getName(),
                        Decision.of(findings, settings)));
              });
    }
    return new Report(results);
  }

  /** Namespace and name as the API server would see them, then the API server's defaults. */
  private static void prepare(Manifest m) {
    HasMetadata object = m.object();
    if (object.getMetadata() == null || isEmpty(object.getMetadata().getName())) {
      throw new InputException(
          m.source() + ":" + m.line() + ": " + object.getKind() + " without metadata.name");
    }
    boolean clusterScoped = object instanceof Namespace || object instanceof Node;
    if (!clusterScoped && isEmpty(object.getMetadata().getNamespace())) {
      object.getMetadata().setNamespace(DEFAULT_NAMESPACE);
    }
    ApiServerDefaults.apply(object);
  }

  /**
   * The server's configuration: {@code endpoints-guard.*} from system properties and the
   * environment over the defaults, {@code ENDPOINTS_GUARD_RULES_<ID>} variables, then {@code
   * --rule}.
   */
  static Settings settings(
      CheckOptions options, Map<String, String> env, Properties systemProperties) {
    Map<String, String> properties = new TreeMap<>();
    systemProperties.forEach(
        (k, v) -> {
          if (k instanceof String key && key.startsWith(CONFIG_PREFIX) && v instanceof String s) {
            properties.put(key, s);
          }
        });
    Map<String, String> guardEnv = new TreeMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(ENV_PREFIX) && !k.startsWith(ENV_PREFIX + "RULES_")) {
            guardEnv.put(k, v);
          }
        });
    Settings settings;
    try {
      SmallRyeConfig config =
          new SmallRyeConfigBuilder()
              .withMapping(GuardConfig.class)
              .withSources(
                  new EnvConfigSource(guardEnv, EnvConfigSource.ORDINAL),
                  new PropertiesConfigSource(properties, "system properties", 400))
              .build();
      settings =
          SettingsFactory.from(
              config.getConfigMapping(GuardConfig.class),
              SettingsFactory.ruleOverridesFromEnv(env),
              Optional.empty());
    } catch (RuntimeException e) {
      throw new InputException("invalid configuration: " + e.getMessage(), e);
    }
    for (var rule : options.rules().entrySet()) {
      settings = settings.withAction(rule.getKey(), rule.getValue());
    }
    return settings;
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
