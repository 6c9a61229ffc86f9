package io.ssemux.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.testing.ManualScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryEventLogTest {
    private final ManualScheduler time = new ManualScheduler();
    private final Clock clock = time.clock();

    @Test
    void assignsStrictlyIncreasingIds() {
        EventLog log = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 50; i++) {
            long id = Long.parseLong(log.append("jobs", "t", "{}").event().id());
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
    }

    @Test
    void idsOfALaterRunAreGreaterAndOlderRunsIdsAreTooOld() {
        EventLog first = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String lastOfFirstRun = first.append("jobs", "t", "{}").event().id();
        time.advance(Duration.ofSeconds(1));
        EventLog second = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String firstOfSecondRun = second.append("jobs", "t", "{}").event().id();

        assertThat(Long.parseLong(firstOfSecondRun)).isGreaterThan(Long.parseLong(lastOfFirstRun));
        Replay replay = second.replaySince(lastOfFirstRun, c -> true);
        assertThat(replay.resetReason()).isEqualTo(Replay.TOO_OLD);
        assertThat(replay.headId()).isEqualTo(firstOfSecondRun);
    }

    @Test
    void aResetBeforeAnyEventOfThisRunPointsAtItsStartSoEverythingLaterIsReplayed() {
        EventLog first = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String ofFirstRun = first.append("jobs", "t", "0").event().id();
        time.advance(Duration.ofSeconds(1));
        EventLog second = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);

        Replay reset = second.replaySince(ofFirstRun, c -> true);
        second.append("jobs", "t", "1");
        second.append("jobs", "t", "2");

        assertThat(reset.resetReason()).isEqualTo(Replay.TOO_OLD);
        assertThat(data(second.replaySince(reset.headId(), c -> true).events())).containsExactly("1", "2");
    }

    @Test
    void replaysExactlyTheEventsAfterTheIdOnTheAcceptedChannels() {
        EventLog log = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String cursor = log.append("jobs", "t", "0").event().id();
        log.append("jobs", "t", "1");
        log.append("other", "t", "x");
        log.append("jobs", "t", "2");

        Replay replay = log.replaySince(cursor, "jobs"::equals);

        assertThat(replay.isReset()).isFalse();
        assertThat(data(replay.events())).containsExactly("1", "2");
    }

    @Test
    void replaysNothingWhenTheClientIsUpToDate() {
        EventLog log = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String head = log.append("jobs", "t", "0").event().id();
        assertThat(log.replaySince(head, c -> true).events()).isEmpty();
    }

    @Test
    void answersTooOldOnceEventsAfterTheIdWereEvictedByCount() {
        EventLog log = EventLog.inMemory(3, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String cursor = log.append("jobs", "t", "0").event().id();
        log.append("jobs", "t", "1");
        log.append("jobs", "t", "2");
        assertThat(log.replaySince(cursor, c -> true).isReset()).isFalse();

        log.append("jobs", "t", "3"); // evicts "0": still complete after cursor
        assertThat(data(log.replaySince(cursor, c -> true).events())).containsExactly("1", "2", "3");

        log.append("jobs", "t", "4"); // evicts "1": a gap after cursor
        assertThat(log.replaySince(cursor, c -> true).resetReason()).isEqualTo(Replay.TOO_OLD);
        assertThat(log.stats().events()).isEqualTo(3);
    }

    @Test
    void expiresEventsOlderThanTheMaxAge() {
        EventLog log = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofSeconds(10), clock);
        String cursor = log.append("jobs", "t", "0").event().id();
        log.append("jobs", "t", "1");
        time.advance(Duration.ofSeconds(11));
        log.expire();

        assertThat(log.stats().events()).isZero();
        assertThat(log.stats().bytes()).isZero();
        assertThat(log.replaySince(cursor, c -> true).resetReason()).isEqualTo(Replay.TOO_OLD);
    }

    @Test
    void answersUnknownIdForGarbageAndFutureIds() {
        EventLog log = EventLog.inMemory(100, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        String head = log.append("jobs", "t", "0").event().id();
        assertThat(log.replaySince("not-a-number", c -> true).resetReason()).isEqualTo(Replay.UNKNOWN_ID);
        assertThat(log.replaySince(String.valueOf(Long.parseLong(head) + 5), c -> true)
                        .resetReason())
                .isEqualTo(Replay.UNKNOWN_ID);
    }

    @Test
    void boundsRetainedBytesByTheEventCount() {
        EventLog log = EventLog.inMemory(10, Long.MAX_VALUE, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 10; i++) {
            log.append("jobs", "t", "{\"n\":" + i + "}");
        }
        long full = log.stats().bytes();
        for (int i = 10; i < 1000; i++) {
            log.append("jobs", "t", "{\"n\":" + (i % 10) + "}");
        }
        assertThat(log.stats().events()).isEqualTo(10);
        assertThat(log.stats().bytes()).isEqualTo(full);
    }

    private static List<String> data(List<EncodedEvent> events) {
        return events.stream().map(e -> e.event().data()).toList();
    }
}
