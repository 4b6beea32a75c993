package dev.endpointsguard.rules;

import dev.endpointsguard.cluster.InMemoryClusterView;
import dev.endpointsguard.testing.KubeObjects;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the did-you-mean search of a {@code service-missing} denial costs in a namespace of 5,000
 * Services. Not part of {@code ./mvnw verify}; run: {@code ./mvnw -B -o test -Dtest=NearNameBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class NearNameBench {

  @Test
  void searchFiveThousandServices() {
    InMemoryClusterView view = new InMemoryClusterView();
    for (int i = 0; i < 5000; i++) {
      view.put(KubeObjects.selectorless("crowded", "backend-service-" + i, "10.96.0.1").build());
    }
    long[] micros = new long[2000];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < micros.length; i++) {
        long start = System.nanoTime();
        ServiceMissing.finding("Endpoints", "crowded", "backend-servise-" + (i % 5000), view);
        micros[i] = (System.nanoTime() - start) / 1000;
      }
    }
    Arrays.sort(micros);
    System.out.printf(
        "near-name search over 5000 Services: p50 %d us, p99 %d us, max %d us%n",
        micros[micros.length / 2], micros[micros.length * 99 / 100], micros[micros.length - 1]);
  }
}
