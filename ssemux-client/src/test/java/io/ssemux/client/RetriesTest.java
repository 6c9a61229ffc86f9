package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetriesTest {
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    @Test
    void consecutiveFailuresWaitLongerUpToTheCap() {
        Retries retries =
                new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> ALMOST_ONE);

        assertThat(retries.next(null).toMillis()).isEqualTo(199);
        assertThat(retries.next(null).toMillis()).isEqualTo(399);
        assertThat(retries.next(null).toMillis()).isEqualTo(799);
        assertThat(retries.next(null).toMillis()).isEqualTo(999);
        assertThat(retries.next(null).toMillis()).isEqualTo(999);
    }

    @Test
    void aHealthyConnectionStartsTheGrowthOver() {
        Retries retries =
                new Retries(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), () -> ALMOST_ONE);
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

        retries.serverRetry(Duration.ofSeconds(3));
        assertThat(retries.next(null)).isEqualTo(Duration.ofSeconds(3));

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
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(SseExchange.parseRetryAfter("120", now)).isEqualTo(Duration.ofMinutes(2));
        assertThat(SseExchange.parseRetryAfter(" 0 ", now)).isEqualTo(Duration.ZERO);
        assertThat(SseExchange.parseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", now))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(SseExchange.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now))
                .isEqualTo(Duration.ZERO);
        assertThat(SseExchange.parseRetryAfter("soon", now)).isNull();
        assertThat(SseExchange.parseRetryAfter("-5", now)).isNull();
    }
}
