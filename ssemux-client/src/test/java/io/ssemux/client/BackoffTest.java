package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final double ALMOST_ONE = Math.nextDown(1.0);
    private final Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void theDelayOfEveryAttemptLiesBetweenTheFloorAndItsCeiling() {
        for (int attempt = 0; attempt < 10; attempt++) {
            long ceiling = Math.min(5_000, 100L << (attempt + 1));
            for (double random = 0; random < 1; random += 0.01) {
                assertThat(backoff.delay(attempt, random).toMillis())
                        .as("attempt %d, random %f", attempt, random)
                        .isBetween(100L, ceiling);
            }
        }
    }

    @Test
    void jitterSpreadsTheDelayOverTheWholeRange() {
        assertThat(backoff.delay(2, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2, 0.5)).isEqualTo(Duration.ofMillis(450));
        assertThat(backoff.delay(2, ALMOST_ONE).toMillis()).isEqualTo(799);
    }

    @Test
    void theCeilingDoublesWithEachAttempt() {
        assertThat(backoff.delay(0, ALMOST_ONE).toMillis()).isEqualTo(199);
        assertThat(backoff.delay(1, ALMOST_ONE).toMillis()).isEqualTo(399);
        assertThat(backoff.delay(2, ALMOST_ONE).toMillis()).isEqualTo(799);
        assertThat(backoff.delay(3, ALMOST_ONE).toMillis()).isEqualTo(1_599);
        assertThat(backoff.delay(4, ALMOST_ONE).toMillis()).isEqualTo(3_199);
    }

    @Test
    void theCapBoundsTheCeilingHoweverManyAttempts() {
        assertThat(backoff.delay(5, ALMOST_ONE).toMillis()).isEqualTo(4_999);
        assertThat(backoff.delay(62, ALMOST_ONE).toMillis()).isEqualTo(4_999);
        assertThat(backoff.delay(Integer.MAX_VALUE, ALMOST_ONE).toMillis()).isEqualTo(4_999);
        assertThat(Backoff.exponential(Duration.ofDays(365), Duration.ofDays(3650))
                        .delay(40, ALMOST_ONE))
                .isLessThan(Duration.ofDays(3650));
    }

    @Test
    void aFloorEqualToTheCapGivesAFixedDelay() {
        Backoff fixed = Backoff.exponential(Duration.ofSeconds(3), Duration.ofSeconds(3));
        assertThat(fixed.delay(0, 0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(fixed.delay(7, ALMOST_ONE)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aHigherFloorRaisesTheFloorAndIfNeededTheCap() {
        assertThat(backoff.withFloor(Duration.ofMillis(50))).isSameAs(backoff);
        assertThat(backoff.withFloor(Duration.ofSeconds(3)))
                .isEqualTo(Backoff.exponential(Duration.ofSeconds(3), Duration.ofSeconds(5)));
        assertThat(backoff.withFloor(Duration.ofSeconds(9)))
                .isEqualTo(Backoff.exponential(Duration.ofSeconds(9), Duration.ofSeconds(9)));
    }

    @Test
    void defaultsAreOneSecondUpToThirtySeconds() {
        assertThat(Backoff.defaults()).isEqualTo(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    @Test
    void rejectsBoundsAndArgumentsOutOfRange() {
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessage("floor: PT0S (expected: > 0)");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("cap: PT1S (expected: >= floor PT2S)");
        assertThatThrownBy(() -> backoff.delay(-1, 0)).hasMessage("attempt: -1 (expected: >= 0)");
        assertThatThrownBy(() -> backoff.delay(0, 1.0)).hasMessage("random: 1.0 (expected: in [0, 1))");
        assertThatThrownBy(() -> backoff.delay(0, Double.NaN)).hasMessage("random: NaN (expected: in [0, 1))");
    }
}
