package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetriesTest {
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    @Test
    void consecutiveFailuresWaitLongerUpToTheCap() {
        Retries retries = new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> ALMOST_ONE);

        assertThat(retries.next(null).toMillis()).isEqualTo(199);
        assertThat(retries.next(null).toMillis()).isEqualTo(399);
        assertThat(retries.next(null).toMillis()).isEqualTo(799);
        assertThat(retries.next(null).toMillis()).isEqualTo(999);
        assertThat(retries.next(null).toMillis()).isEqualTo(999);
    }

    @Test
    void aHealthyConnectionStartsTheGrowthOver() {
        Retries retries = new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> ALMOST_ONE);
        retries.next(null);
        retries.next(null);
        retries.next(null);

        retries.reset();

        assertThat(retries.next(null).toMillis()).isEqualTo(199);
        assertThat(retries.next(null).toMillis()).isEqualTo(399);
    }

    @Test
    void theServersRetryRaisesTheFloorButNeverLowersIt() {
        Retries retries = new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)), () -> 0);

        retries.serverRetry(Duration.ofMillis(3000));
        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(3000));

        retries.serverRetry(Duration.ofMillis(10));
        assertThat(retries.next(null)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void retryAfterWinsWhenLongerThanTheBackoff() {
        Retries retries = new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> 0.5);

        assertThat(retries.next(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(retries.next(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(StreamAttempt.parseRetryAfter("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(StreamAttempt.parseRetryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(StreamAttempt.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(StreamAttempt.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT")).isGreaterThan(Duration.ofDays(365));
        assertThat(StreamAttempt.parseRetryAfter("soon")).isNull();
        assertThat(StreamAttempt.parseRetryAfter("-5")).isNull();
    }
}
