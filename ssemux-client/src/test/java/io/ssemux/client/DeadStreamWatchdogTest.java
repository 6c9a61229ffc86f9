package io.ssemux.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DeadStreamWatchdogTest {
    private final ManualScheduler time = new ManualScheduler();
    private final List<String> deaths = new CopyOnWriteArrayList<>();
    private final DeadStreamWatchdog watchdog = new DeadStreamWatchdog(time, deaths::add);

    @Test
    void bytesKeepAStreamAliveAndSilenceBeyondTheLimitKillsIt() {
        watchdog.expectBytesEvery(Duration.ofSeconds(3), "3 × 1 s");
        for (int i = 0; i < 10; i++) {
            time.advance(Duration.ofMillis(2_900));
            watchdog.bytes();
        }
        assertThat(deaths).isEmpty();

        time.advance(Duration.ofSeconds(3));

        assertThat(deaths).containsExactly("no bytes for 3.000 s (3 × 1 s): the connection is dead");
        assertThat(time.pending()).isZero();
    }

    @Test
    void timeHeldBackByFlowControlDoesNotCount() {
        watchdog.expectBytesEvery(Duration.ofSeconds(3), "limit");
        time.advance(Duration.ofSeconds(2));
        watchdog.pause();
        time.advance(Duration.ofMinutes(5));
        watchdog.resume();
        time.advance(Duration.ofMillis(999)); // 2 s before the pause and 0.999 s after
        assertThat(deaths).isEmpty();

        time.advance(Duration.ofMillis(1));

        assertThat(deaths).singleElement().asString().startsWith("no bytes for 3.000 s");
    }

    @Test
    void theFirstEventMustComeInTimeWhateverBytesCome() {
        watchdog.awaitFirst(Duration.ofMillis(300), "connected event");
        time.advance(Duration.ofMillis(200));
        watchdog.bytes();
        time.advance(Duration.ofMillis(100));

        assertThat(deaths).containsExactly("no connected event within 0.300 s");
    }

    @Test
    void aStoppedWatchdogNeverFires() {
        watchdog.expectBytesEvery(Duration.ofSeconds(1), "limit");
        watchdog.stop();
        time.advance(Duration.ofMinutes(1));

        assertThat(deaths).isEmpty();
        assertThat(time.pending()).isZero();
    }
}
