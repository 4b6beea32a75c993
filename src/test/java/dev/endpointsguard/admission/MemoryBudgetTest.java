package dev.endpointsguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  static final long MIB = 1024 * 1024;

  @Test
  void smallBodiesCostNothingAndLargeOnesTheirEstimatedHeap() {
    assertThat(MemoryBudget.cost(0)).isZero();
    assertThat(MemoryBudget.cost(MemoryBudget.LARGE_BODY_BYTES - 1)).isZero();
    assertThat(MemoryBudget.cost(MemoryBudget.LARGE_BODY_BYTES))
        .isEqualTo(MemoryBudget.LARGE_BODY_BYTES * 20);
    assertThat(MemoryBudget.cost(5 * MIB)).isEqualTo(100 * MIB);
    // a body of unknown length may grow to the limit
    assertThat(MemoryBudget.cost(-1)).isEqualTo(AdmissionRoutes.MAX_BODY_BYTES * 20L);
  }

  @Test
  void largeBodiesShareTheBudgetAndTheFirstOneAlwaysFits() {
    MemoryBudget budget = new MemoryBudget(128 * MIB);
    assertThat(budget.tryReserve(140 * MIB)).as("alone, even over the budget").isTrue();
    assertThat(budget.tryReserve(20 * MIB)).isFalse();
    assertThat(budget.tryReserve(0)).as("small bodies never wait").isTrue();
    budget.release(140 * MIB);
    assertThat(budget.reserved()).isZero();

    assertThat(budget.tryReserve(60 * MIB)).isTrue();
    assertThat(budget.tryReserve(60 * MIB)).isTrue();
    assertThat(budget.tryReserve(20 * MIB)).isFalse();
    assertThat(budget.tryReserve(8 * MIB)).isTrue();
    assertThat(budget.reserved()).isEqualTo(128 * MIB);
    budget.release(60 * MIB);
    assertThat(budget.tryReserve(20 * MIB)).isTrue();
  }
}
