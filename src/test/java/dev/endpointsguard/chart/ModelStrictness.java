package dev.endpointsguard.chart;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the fabric8 model did not recognise (they land in {@code additionalProperties}): a
 * typo such as {@code failurPolicy} or a field at the wrong level in a template.
 */
final class ModelStrictness {

  private ModelStrictness() {}

  static List<String> unknownFields(Object root) {
    List<String> found = new ArrayList<>();
    if (!(root instanceof GenericKubernetesResource)) {
      walk(root, "", found, new IdentityHashMap<>());
    }
    return found;
  }

  private static void walk(Object o, String path, List<String> found, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        walk(e.getValue(), path + "[" + e.getKey() + "]", found, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add((path.isEmpty() ? "" : path + ".") + extra.keySet());
        }
        continue;
      }
      String prop = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      walk(v, path.isEmpty() ? prop : path + "." + prop, found, seen);
    }
  }
}
