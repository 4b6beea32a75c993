package dev.endpointsguard.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Runs the check in-process with given streams, environment and system properties. */
record Cli(String stdin, Map<String, String> env, Properties systemProperties) {

  record Run(int status, String out, String err) {}

  static Cli plain() {
    return new Cli("", Map.of(), new Properties());
  }

  Cli withStdin(String text) {
    return new Cli(text, env, systemProperties);
  }

  Cli withEnv(Map<String, String> variables) {
    return new Cli(stdin, variables, systemProperties);
  }

  Cli withProperty(String key, String value) {
    Properties properties = new Properties();
    properties.putAll(systemProperties);
    properties.setProperty(key, value);
    return new Cli(stdin, env, properties);
  }

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CheckCommand.run(
            List.of(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            systemProperties);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
