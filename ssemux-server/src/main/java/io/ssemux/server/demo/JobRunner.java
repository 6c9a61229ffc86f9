package io.ssemux.server.demo;

import io.ssemux.core.Hub;
import io.ssemux.core.Names;
import io.ssemux.core.SsemuxException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Job}s on a bounded pool with a bounded queue, and tells the job's channel (its
 * uploader's private one, in the demo) how each one goes: {@code job_started},
 * {@code job_progress}…, then {@code job_completed} or {@code job_failed} with a reason. Every
 * event's data is {@code {id, task_type, status, …}}.
 *
 * <p>{@link #submit} is thread-safe and never blocks: a full queue refuses the job at once.
 * {@code stepPause} holds a worker after each progress report, so that a person can watch jobs
 * that would otherwise finish in milliseconds; zero in tests.
 */
final class JobRunner implements AutoCloseable {
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Hub hub;
    private final int workers;
    private final Duration stepPause;
    private final ThreadPoolExecutor pool;

    JobRunner(Hub hub, int workers, int queueCapacity, Duration stepPause) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: > 0)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
        }
        if (stepPause.isNegative()) {
            throw new IllegalArgumentException("stepPause: " + stepPause + " (expected: >= 0)");
        }
        this.hub = hub;
        this.workers = workers;
        this.stepPause = stepPause;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), task -> {
                    Thread thread = new Thread(task, "demo-job-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues {@code job}, whose events go to {@code channel}.
     *
     * @return its id
     * @throws SsemuxException {@code UNAVAILABLE}, with a Retry-After, when the queue is full or the runner closed
     */
    String submit(String channel, Job job) {
        Names.checkPublishable(channel);
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try {
            pool.execute(() -> run(channel, id, job));
        } catch (RejectedExecutionException e) {
            throw SsemuxException.unavailable(
                    "jobs: the queue is full (expected: a free place; try again shortly)", RETRY_AFTER);
        }
        return id;
    }

    /**
     * Whether a job submitted now would be refused: every worker busy and the queue full, or the
     * runner closed. A hint, for refusing an upload before its body is read; {@link #submit} decides.
     */
    boolean isFull() {
        return pool.isShutdown()
                || (pool.getActiveCount() >= workers && pool.getQueue().remainingCapacity() == 0);
    }

    private void run(String channel, String id, Job job) {
        publish(channel, "job_started", event(id, job, "running", 0));
        try {
            Map<String, Object> result = job.run(id, (percent, step) -> {
                Map<String, Object> progress = event(id, job, "running", percent);
                progress.put("step", step);
                publish(channel, "job_progress", progress);
                pause();
            });
            Map<String, Object> completed = event(id, job, "completed", 100);
            completed.putAll(result);
            publish(channel, "job_completed", completed);
        } catch (JobFailure e) {
            publish(channel, "job_failed", failed(id, job, e.getMessage()));
        } catch (Exception e) {
            log.error("job {} ({}) failed", id, job.taskType(), e);
            publish(channel, "job_failed", failed(id, job, "internal error; the server's log has the details"));
        }
    }

    private static Map<String, Object> event(String id, Job job, String status, int progress) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("task_type", job.taskType());
        event.put("status", status);
        event.put("progress", progress);
        event.putAll(job.details());
        return event;
    }

    private static Map<String, Object> failed(String id, Job job, String reason) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("task_type", job.taskType());
        event.put("status", "failed");
        event.put("reason", reason);
        event.putAll(job.details());
        return event;
    }

    private void publish(String channel, String type, Map<String, Object> data) {
        try {
            hub.publish(channel, type, DemoJson.write(data));
        } catch (SsemuxException e) {
            log.debug("{} of job {} not published: {}", type, data.get("id"), e.getMessage()); // the hub is closing
        }
    }

    private void pause() {
        if (stepPause.isZero()) {
            return;
        }
        try {
            Thread.sleep(stepPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: finish without pauses
        }
    }

    /** Stops taking jobs and waits up to 5 seconds for the queued ones; then interrupts what is left. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
