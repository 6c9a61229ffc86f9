package io.ssemux.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    @Test
    void theDefaultsAllowAbout2Point6GibInTheWorstCase() {
        MemoryBudget defaults = MemoryBudget.of(32L << 20, 10_000, 256 << 10, 11_024, 64 << 10);

        assertThat(defaults.historyBytes()).isEqualTo(64L << 20);
        assertThat(defaults.outboundBytes()).isEqualTo(10_000L * (256 << 10));
        assertThat(defaults.requestBytes()).isEqualTo(1_024L * (64 << 10));
        assertThat(defaults.total() >> 20).isEqualTo(2_647);
        assertThat(defaults.describe())
                .isEqualTo("2647 MiB (history 64, stalled streams 2500, request bodies 64, stream state 19)");
    }

    @Test
    void theJvmsMemoryIsItsHeapAndItsDirectMemory() {
        assertThat(MemoryBudget.jvmBytes())
                .isGreaterThanOrEqualTo(2 * Runtime.getRuntime().maxMemory());
    }
}
