package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    @Test
    void theDefaultsAllowAbout1Point4GibInTheWorstCaseWhichTheLaunchersJvmHolds() {
        MemoryBudget defaults = MemoryBudget.of(32L << 20, 10_000, 128 << 10, 11_024, 64 << 10);

        assertThat(defaults.historyBytes()).isEqualTo(64L << 20);
        assertThat(defaults.outboundBytes()).isEqualTo(10_000L * (128 << 10));
        assertThat(defaults.requestBytes()).isEqualTo(1_024L * (64 << 10));
        assertThat(defaults.total() >> 20).isEqualTo(1_397);
        assertThat(defaults.describe())
                .isEqualTo("1397 MiB (history 64, stalled streams 1250, request bodies 64, stream state 19)");
        assertThat(defaults.total()).isLessThan((512L << 20) + (1L << 30)); // bin/ssemux: -Xmx512m, 1g direct
    }

    @Test
    void theJvmsMemoryIsItsHeapAndItsDirectMemory() {
        assertThat(MemoryBudget.jvmBytes())
                .isGreaterThanOrEqualTo(2 * Runtime.getRuntime().maxMemory());
    }
}
