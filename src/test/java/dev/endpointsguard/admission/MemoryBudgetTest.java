package dev.endpointsguard.admission;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBudgetTest {

    static final long MIB = 1024 * 1024;

    @Test
    void smallBodiesCostNothingAndLargeOnesTheirEstimatedHeap() {
        assertThat(MemoryBudget.cost(0)).isZero();
        assertThat(MemoryBudget.cost(MemoryBudget.LARGE_BODY_BYTES - 1)).isZero();
        assertThat(MemoryBudget.cost(MemoryBudget.LARGE_BODY_BYTES)).isEqualTo(MemoryBudget.LARGE_BODY_BYTES * 20);
        assertThat(MemoryBudget.cost(5 * MIB)).isEqualTo(100 * MIB);
        // a body of unknown length may grow to the limit
        assertThat(MemoryBudget.cost(-1)).isEqualTo(AdmissionResource.MAX_BODY_BYTES * 20L);
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

    @ParameterizedTest
    @CsvSource({
            "128M, 134217728",
            "128Mi, 134217728",
            "128MB, 134217728",
            "1G, 1073741824",
            " 512k , 524288",
            "300000, 300000",
            "50%, 500000000",
            "1%, 10000000",
            "99 %, 990000000"})
    void parsesSizesAndShares(String text, long bytes) {
        assertThat(MemoryBudget.parse(text, 1_000_000_000L)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "0%", "100%", "-5M", "1T", "100K", "12.5%", "1.5G"})
    void refusesAnythingElseNamingTheKey(String text) {
        assertThatThrownBy(() -> MemoryBudget.parse(text, 1_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoints-guard.admission.memory-budget: '" + text + "' is not a heap budget;")
                .hasMessageContaining("e.g. 128M");
    }
}
