package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Hub;
import io.ssemux.core.sse.SseMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResumeTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    @Test
    void replaysExactlyTheHundredEventsPublishedWhileTheClientWasGone() {
        String lastSeen;
        try (TestStream stream = server.stream("alice", "jobs")) {
            stream.connected();
            server.publish("jobs", "job_started", "{\"n\":-1}");
            lastSeen = stream.next().lastEventId();
        }
        for (int i = 0; i < 100; i++) {
            server.hub().publish("jobs", "job_progress", "{\"n\":" + i + "}");
            server.hub().publish("pending-changes", "manifest_changed", "{\"n\":" + i + "}");
        }

        try (TestStream resumed = TestStream.open(
                server.http(), server.uri("/api/sse/stream?user=alice&channels=jobs"), "Last-Event-ID", lastSeen)) {
            resumed.connected();
            List<SseMessage> replayed = resumed.next(100);
            for (int i = 0; i < 100; i++) {
                assertThat(replayed.get(i).type()).isEqualTo("job_progress");
                assertThat(replayed.get(i).data()).isEqualTo("{\"n\":" + i + "}");
            }
            server.publish("jobs", "job_completed", "{\"n\":100}");
            assertThat(resumed.next().type()).isEqualTo("job_completed");
            assertThat(resumed.pending()).isEmpty();
        }
    }

    @Test
    void resumesFromTheLastEventIdQueryParameterToo() {
        String cursor = server.publish("jobs", "t", "0").get("id").asText();
        server.publish("jobs", "t", "1");
        try (TestStream resumed = server.stream("alice", "jobs", "lastEventId=" + cursor)) {
            resumed.connected();
            assertThat(resumed.next().data()).isEqualTo("1");
        }
    }

    @Test
    void replayRacingLivePublishingLosesAndRepeatsNothing() throws Exception {
        int total = 3_000;
        Hub hub = server.hub();
        AtomicBoolean go = new AtomicBoolean();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            while (!go.get()) {
                Thread.onSpinWait();
            }
            for (int i = 0; i < total; i++) {
                hub.publish("jobs", "t", Integer.toString(i));
            }
        });
        List<Integer> received = new ArrayList<>();
        String cursor = null;
        int reconnects = 0;
        while (received.size() < total && reconnects < 200) {
            try (TestStream stream = cursor == null
                    ? server.stream("racer", "jobs")
                    : TestStream.open(
                            server.http(),
                            server.uri("/api/sse/stream?user=racer&channels=jobs"),
                            "Last-Event-ID",
                            cursor)) {
                stream.connected();
                go.set(true);
                for (int i = 0; i < 50 && received.size() < total; i++) {
                    SseMessage message = stream.next();
                    received.add(Integer.parseInt(message.data()));
                    cursor = message.lastEventId();
                }
            }
            reconnects++;
        }
        publisher.get(30, TimeUnit.SECONDS);

        assertThat(reconnects).isGreaterThan(10);
        assertThat(received).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(received.get(i)).as("event #%d", i).isEqualTo(i);
        }
    }

    @Test
    void sendsResetWhenTheIdIsOlderThanTheHistory() {
        server.stop();
        ServerExtension small = new ServerExtension().hub(h -> h.history(5, Duration.ofMinutes(5)));
        small.start();
        try {
            String cursor = small.publish("jobs", "t", "0").get("id").asText();
            String head = null;
            for (int i = 1; i <= 10; i++) {
                head = small.publish("jobs", "t", Integer.toString(i)).get("id").asText();
            }
            try (TestStream stream = small.stream("alice", "jobs", "lastEventId=" + cursor)) {
                stream.connected();
                SseMessage reset = stream.next();
                assertThat(reset.type()).isEqualTo("reset");
                JsonNode data = ServerExtension.json(reset.data());
                assertThat(data.get("reason").asText()).isEqualTo("too_old");
                assertThat(data.get("lastEventId").asText()).isEqualTo(cursor);
                assertThat(reset.lastEventId()).isEqualTo(head);

                small.publish("jobs", "t", "\"live\"");
                assertThat(stream.next().data()).isEqualTo("\"live\"");
            }
        } finally {
            small.stop();
        }
    }

    @Test
    void sendsResetForAnUnknownId() {
        try (TestStream stream = server.stream("alice", "jobs", "lastEventId=garbage")) {
            stream.connected();
            SseMessage reset = stream.next();
            assertThat(reset.type()).isEqualTo("reset");
            assertThat(ServerExtension.json(reset.data()).get("reason").asText())
                    .isEqualTo("unknown_id");
        }
    }

    @Test
    void idsStrictlyIncreaseAcrossARestartAndOldIdsGetAReset() {
        String beforeRestart = server.publish("jobs", "t", "0").get("id").asText();
        server.stop();
        server.scheduler().advance(Duration.ofSeconds(1)); // a restart takes time: ids come from the clock
        server.start();
        String afterRestart = server.publish("jobs", "t", "1").get("id").asText();

        assertThat(Long.parseLong(afterRestart)).isGreaterThan(Long.parseLong(beforeRestart));
        try (TestStream stream = server.stream("alice", "jobs", "lastEventId=" + beforeRestart)) {
            stream.connected();
            assertThat(stream.next().type()).isEqualTo("reset");
        }
    }
}
