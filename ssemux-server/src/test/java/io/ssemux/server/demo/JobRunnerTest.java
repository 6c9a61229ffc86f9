package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
    private static final String CHANNEL = "user:alice";
    private final Hub hub = Hub.builder().build();
    private final HubEvents events = HubEvents.of(hub, "alice");
    private final HubEvents others = HubEvents.of(hub, "bob");
    private final JobRunner runner = new JobRunner(hub, 1, 1, Duration.ZERO);

    @AfterEach
    void close() {
        runner.close();
        hub.close();
    }

    @Test
    void publishesStartedProgressAndCompletedOnTheJobsChannel() throws Exception {
        String id = runner.submit(CHANNEL, job((jobId, progress) -> {
            progress.report(50, "halfway");
            return Map.of("answer", 42);
        }));

        JsonNode started = events.next("job_started");
        assertThat(started.toString())
                .isEqualTo("{\"id\":\"" + id + "\",\"task_type\":\"test\",\"status\":\"running\","
                        + "\"progress\":0,\"project_folder\":\"p1\"}");
        JsonNode progress = events.next("job_progress");
        assertThat(progress.get("progress").asInt()).isEqualTo(50);
        assertThat(progress.get("step").asText()).isEqualTo("halfway");
        JsonNode completed = events.next("job_completed");
        assertThat(completed.get("id").asText()).isEqualTo(id);
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("progress").asInt()).isEqualTo(100);
        assertThat(completed.get("answer").asInt()).isEqualTo(42);
        assertThat(others.received()).as("another user hears nothing").isEmpty();
    }

    @Test
    void publishesJobFailedWithTheReasonOfAJobFailure() throws Exception {
        String id = runner.submit(CHANNEL, job((jobId, progress) -> {
            throw new JobFailure("the photo is upside down");
        }));

        events.next("job_started");
        JsonNode failed = events.next("job_failed");
        assertThat(failed.get("id").asText()).isEqualTo(id);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("reason").asText()).isEqualTo("the photo is upside down");
        assertThat(failed.get("project_folder").asText()).isEqualTo("p1");
    }

    @Test
    void keepsTheDetailsOfAnUnexpectedErrorOutOfTheEvent() throws Exception {
        runner.submit(CHANNEL, job((jobId, progress) -> {
            throw new IllegalStateException("/secret/path exploded");
        }));

        events.next("job_started");
        assertThat(events.next("job_failed").get("reason").asText())
                .isEqualTo("internal error; the server's log has the details");
    }

    @Test
    void refusesAJobWith503AndRetryAfterWhenTheWorkerAndTheQueueAreFull() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        runner.submit(CHANNEL, job((jobId, progress) -> {
            running.countDown();
            release.await();
            return Map.of();
        }));
        running.await(10, TimeUnit.SECONDS);
        runner.submit(CHANNEL, job((jobId, progress) -> Map.of())); // waits in the queue

        assertThatThrownBy(() -> runner.submit(CHANNEL, job((jobId, progress) -> Map.of())))
                .isInstanceOfSatisfying(SsemuxException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
                    assertThat(e.retryAfter()).isEqualTo(JobRunner.RETRY_AFTER);
                    assertThat(e.getMessage()).contains("the queue is full");
                });
        release.countDown();
        events.next("job_started");
        events.next("job_completed");
        events.next("job_started");
        events.next("job_completed");
    }

    @Test
    void givesEveryJobItsOwnId() {
        assertThat(runner.submit(CHANNEL, job((id, p) -> Map.of())))
                .isNotEqualTo(runner.submit(CHANNEL, job((id, p) -> Map.of())))
                .matches("[0-9a-f]{16}");
    }

    private static Job job(Work work) {
        return new Job() {
            @Override
            public String taskType() {
                return "test";
            }

            @Override
            public Map<String, Object> details() {
                return Map.of("project_folder", "p1");
            }

            @Override
            public Map<String, Object> run(String id, Progress progress) throws Exception {
                return work.run(id, progress);
            }
        };
    }

    @FunctionalInterface
    private interface Work {
        Map<String, Object> run(String id, Job.Progress progress) throws Exception;
    }
}
