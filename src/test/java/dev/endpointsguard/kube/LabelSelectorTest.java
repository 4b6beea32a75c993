package dev.endpointsguard.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubectl selector syntax of {@code endpoints-guard.dev/selector}: every operator, and errors
 * that say where.
 */
class LabelSelectorTest {

  static final Map<String, String> NGINX =
      Map.of("app", "nginx", "tier", "web", "example.com/team", "edge");

  static Stream<Arguments> matching() {
    return Stream.of(
        arguments("app=nginx", true),
        arguments("app==nginx", true),
        arguments("app=apache", false),
        arguments("app!=apache", true),
        arguments("app!=nginx", false),
        arguments("missing!=x", true),
        arguments("tier in (web, api)", true),
        arguments("tier in (api)", false),
        arguments("missing in (web)", false),
        arguments("tier notin (api,db)", true),
        arguments("tier notin (web)", false),
        arguments("missing notin (web)", true),
        arguments("app", true),
        arguments("missing", false),
        arguments("!missing", true),
        arguments("!app", false),
        arguments("example.com/team=edge", true),
        arguments(" app = nginx , tier in ( web ) , !canary ", true),
        arguments("app=nginx,tier=api", false),
        arguments("app=", false));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("matching")
  void matches(String selector, boolean expected) {
    assertThat(LabelSelector.parse(selector).matches(NGINX)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matching")
  void nullLabelsAreNoLabels(String selector, boolean ignored) {
    assertThat(LabelSelector.parse(selector).matches(null))
        .isEqualTo(LabelSelector.parse(selector).matches(Map.of()));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        arguments("", "is empty: it would select every Pod of the namespace; write e.g. app=nginx"),
        arguments(
            "   ", "is empty: it would select every Pod of the namespace; write e.g. app=nginx"),
        arguments("app=nginx,", "expected a label key at position 11 of 'app=nginx,'"),
        arguments("=nginx", "expected a label key at position 1 of '=nginx'"),
        arguments(
            "app nginx",
            "expected =, ==, !=, in or notin after key 'app' but found 'nginx' at position 10 of 'app nginx'"),
        arguments("app in web", "expected '(' but found 'w' at position 8 of 'app in web'"),
        arguments(
            "app in (web", "expected ',' but the selector ended at position 12 of 'app in (web'"),
        arguments("app=ngin x", "expected ',' but found 'x' at position 10 of 'app=ngin x'"),
        arguments(
            "app=-nginx",
            "label value '-nginx' is not valid (alphanumerics, '-', '_', '.', at most 63) at position 5 of 'app=-nginx'"),
        arguments(
            "-app=nginx",
            "label key '-app' is not a valid label name (alphanumerics, '-', '_', '.', at most 63) at position 1 of '-app=nginx'"),
        arguments(
            "Example.com/team=edge",
            "label key prefix 'Example.com' is not a DNS subdomain at position 1 of 'Example.com/team=edge'"),
        arguments(
            "a".repeat(64) + "=x",
            "label key '"
                + "a".repeat(64)
                + "' is not a valid label name (alphanumerics, '-', '_', '.', at most 63) at position 1 of '"
                + "a".repeat(64)
                + "=x'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void rejectsWithAPreciseMessage(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
