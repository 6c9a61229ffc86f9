package io.ssemux.examples.photojobs;

import io.ssemux.core.SsemuxException;
import io.ssemux.spring.SsemuxPublisher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Runs the uploads' {@link PhotoJob}s and tells their uploader how each goes, on their private
 * channel {@code user:<name>}, through the starter's {@link SsemuxPublisher}: {@code job_started},
 * {@code job_progress} for each step, then {@code manifest_changed} and {@code job_completed}, or
 * {@code job_failed} with a reason. There is no transaction to wait for, so it publishes at once
 * ({@code publishAfterCommit} is for code that saves in one).
 *
 * <p>Each step runs on a thread of a small scheduler, {@code photo-jobs.step-pause} after the one
 * before, so that a person can watch the progress; no thread sleeps. {@link #submit} is thread-safe
 * and refuses a job at once when {@code photo-jobs.max-jobs} are waiting or running. Closing drops
 * the jobs under way (their uploads are deleted at the next start).
 */
@Service
final class PhotoJobs implements AutoCloseable {
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(PhotoJobs.class);

    private final SsemuxPublisher publisher;
    private final Storage storage;
    private final Duration stepPause;
    private final int maxJobs;
    private final Semaphore slots;
    private final ScheduledExecutorService scheduler;

    PhotoJobs(SsemuxPublisher publisher, Storage storage, PhotoJobsProperties properties) {
        this.publisher = publisher;
        this.storage = storage;
        this.stepPause = properties.stepPause();
        this.maxJobs = properties.maxJobs();
        this.slots = new Semaphore(maxJobs);
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "photo-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes {@code upload} into the data directory and queues its job. Called on the request's thread.
     *
     * @param user     the uploader, whose private channel hears of the job
     * @param format   what the upload's first bytes say it is
     * @return the upload's answer: the job, queued
     * @throws SsemuxException {@code UNAVAILABLE}, with a Retry-After, when too many jobs are under way
     */
    JobEvent submit(String user, String folder, String fileName, ImageFormat format, MultipartFile upload)
            throws IOException {
        if (!slots.tryAcquire()) {
            throw SsemuxException.unavailable(
                    "jobs: " + maxJobs + " waiting or running (expected: fewer; try again shortly)", RETRY_AFTER);
        }
        Path file = null;
        try {
            file = storage.newIncomingFile();
            upload.transferTo(file);
            String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            PhotoJob job = new PhotoJob(id, user, folder, fileName, format, file, storage);
            scheduler.execute(() -> start(job));
            return job.queued();
        } catch (RejectedExecutionException e) {
            slots.release();
            storage.delete(file);
            throw SsemuxException.unavailable("jobs: the app is stopping (expected: a running app)", RETRY_AFTER);
        } catch (IOException | RuntimeException e) {
            slots.release();
            storage.delete(file);
            throw e;
        }
    }

    private void start(PhotoJob job) {
        publish(job, "job_started", job.started());
        later(job, 0);
    }

    private void step(PhotoJob job, int index) {
        PhotoJob.Step step = PhotoJob.STEPS.get(index);
        publish(job, "job_progress", job.progress(step));
        try {
            step.work().run(job);
        } catch (Thumbnails.Unreadable e) {
            end(job, "job_failed", job.failed(e.getMessage()));
            return;
        } catch (IOException | RuntimeException e) {
            log.error("job {} failed while {}", job.id(), step.name(), e);
            end(job, "job_failed", job.failed("internal error; the server's log has the details"));
            return;
        }
        if (index + 1 < PhotoJob.STEPS.size()) {
            later(job, index + 1);
        } else {
            publish(job, "manifest_changed", job.manifestChanged());
            end(job, "job_completed", job.completed());
        }
    }

    /** Runs step {@code index} after the pause. */
    private void later(PhotoJob job, int index) {
        try {
            scheduler.schedule(() -> step(job, index), stepPause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) { // closing
            job.discard();
            slots.release();
        }
    }

    private void end(PhotoJob job, String type, JobEvent event) {
        job.discard();
        slots.release();
        publish(job, type, event);
    }

    private void publish(PhotoJob job, String type, Object data) {
        try {
            publisher.publish(job.channel(), type, data);
        } catch (SsemuxException e) {
            log.debug("{} of job {} not published: {}", type, job.id(), e.getMessage()); // the hub is closing
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
