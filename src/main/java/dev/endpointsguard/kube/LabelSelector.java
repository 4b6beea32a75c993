package dev.endpointsguard.kube;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A label selector in kubectl syntax ({@code a=b,c!=d,e in (x,y),f notin (z),g,!h}, {@code ==} as
 * {@code =}), parsed strictly with errors that name the offending position. Used for the {@code
 * endpoints-guard.dev/selector} annotation by both the Service rules and the reconciler.
 */
public final class LabelSelector {

  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    NOT_EXISTS
  }

  public record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case EQUALS, IN -> value != null && values.contains(value);
        case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case NOT_EXISTS -> value == null;
      };
    }
  }

  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(l));
  }

  /**
   * @throws IllegalArgumentException with a message naming what is wrong and where
   */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "is empty: it would select every Pod of the namespace; write e.g. app=nginx");
    }
    return new Parser(text).parse();
  }

  @Override
  public String toString() {
    return requirements.toString();
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    LabelSelector parse() {
      List<Requirement> reqs = new ArrayList<>();
      while (true) {
        skipSpaces();
        reqs.add(requirement());
        skipSpaces();
        if (pos == s.length()) {
          return new LabelSelector(reqs);
        }
        expect(',');
      }
    }

    private Requirement requirement() {
      if (peek() == '!') {
        pos++;
        skipSpaces();
        return new Requirement(key(), Operator.NOT_EXISTS, Set.of());
      }
      String key = key();
      skipSpaces();
      if (pos == s.length() || peek() == ',') {
        return new Requirement(key, Operator.EXISTS, Set.of());
      }
      if (s.startsWith("==", pos)) {
        pos += 2;
        return new Requirement(key, Operator.EQUALS, Set.of(value()));
      }
      if (s.startsWith("!=", pos)) {
        pos += 2;
        return new Requirement(key, Operator.NOT_EQUALS, Set.of(value()));
      }
      if (peek() == '=') {
        pos++;
        return new Requirement(key, Operator.EQUALS, Set.of(value()));
      }
      String word = word();
      if (word.equals("in") || word.equals("notin")) {
        return new Requirement(key, word.equals("in") ? Operator.IN : Operator.NOT_IN, valueSet());
      }
      throw error(
          "expected =, ==, !=, in or notin after key '"
              + key
              + "'"
              + (word.isEmpty() ? "" : " but found '" + word + "'"));
    }

    private String key() {
      int start = pos;
      while (pos < s.length() && isKeyChar(s.charAt(pos))) {
        pos++;
      }
      String key = s.substring(start, pos);
      if (key.isEmpty()) {
        throw error("expected a label key");
      }
      String name = key;
      int slash = key.indexOf('/');
      if (slash >= 0) {
        String prefix = key.substring(0, slash);
        name = key.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
          throw error("label key prefix '" + prefix + "' is not a DNS subdomain", start);
        }
      }
      if (name.length() > 63 || !NAME.matcher(name).matches()) {
        throw error(
            "label key '"
                + key
                + "' is not a valid label name (alphanumerics, '-', '_', '.', at most 63)",
            start);
      }
      return key;
    }

    private String value() {
      skipSpaces();
      int start = pos;
      while (pos < s.length() && isValueChar(s.charAt(pos))) {
        pos++;
      }
      String value = s.substring(start, pos);
      checkValue(value, start);
      return value;
    }

    private Set<String> valueSet() {
      skipSpaces();
      expect('(');
      Set<String> values = new LinkedHashSet<>();
      while (true) {
        values.add(value());
        skipSpaces();
        if (peek() == ')') {
          pos++;
          return values;
        }
        expect(',');
      }
    }

    private void checkValue(String value, int start) {
      if (value.length() > 63 || (!value.isEmpty() && !NAME.matcher(value).matches())) {
        throw error(
            "label value '" + value + "' is not valid (alphanumerics, '-', '_', '.', at most 63)",
            start);
      }
    }

    private String word() {
      int start = pos;
      while (pos < s.length() && Character.isLetter(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private void expect(char c) {
      skipSpaces();
      if (peek() != c) {
        throw error(
            "expected '"
                + c
                + "'"
                + (pos < s.length()
                    ? " but found '" + s.charAt(pos) + "'"
                    : " but the selector ended"));
      }
      pos++;
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipSpaces() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isKeyChar(char c) {
      return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/';
    }

    private static boolean isValueChar(char c) {
      return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.';
    }

    private IllegalArgumentException error(String message) {
      return error(message, pos);
    }

    private IllegalArgumentException error(String message, int at) {
      return new IllegalArgumentException(message + " at position " + (at + 1) + " of '" + s + "'");
    }
  }
}
