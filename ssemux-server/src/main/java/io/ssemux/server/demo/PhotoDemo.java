package io.ssemux.server.demo;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The photo-jobs demo, the situation ssemux was made for: an upload to
 * {@code POST /api/projects/{folder}/photos} starts a thumbnail job whose progress goes out on the
 * uploader's private channel {@code user:<uploader>} ({@code job_started}, {@code job_progress},
 * {@code job_completed} or {@code job_failed}), and each finished job changes its folder's
 * {@code manifest.json}, announced there too ({@code manifest_changed}). No other user hears of
 * it. Everything is published through the hub's Java API, in-process.
 *
 * <pre>{@code
 * PhotoDemo demo = PhotoDemo.start(hub, DemoSettings.defaults(dataDir));
 * demo.register(serverBuilder);
 * ...
 * demo.close();   // before hub.close(): running jobs still publish their end
 * }</pre>
 */
public final class PhotoDemo implements AutoCloseable {
    /** Room for the form around the photo: boundaries, part headers, other fields. */
    static final int FORM_OVERHEAD_BYTES = 64 * 1024;

    static final int THUMBNAIL_BOX = 320;
    static final long MAX_PIXELS = 50_000_000;

    private final DemoSettings settings;
    private final JobRunner jobs;
    private final ExecutorService intake;
    private final PhotoRoutes routes;
    private final Path dataDir;

    private PhotoDemo(Hub hub, DemoSettings settings, DataDirectory data) {
        this.settings = settings;
        this.dataDir = data.root();
        Clock clock = Clock.systemUTC();
        this.jobs = new JobRunner(hub, settings.workers(), settings.queueCapacity(), settings.stepPause());
        AtomicInteger threads = new AtomicInteger();
        this.intake = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "demo-intake-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.routes = new PhotoRoutes(
                data,
                new Thumbnailer(THUMBNAIL_BOX, MAX_PIXELS),
                new ManifestService(data, hub, clock),
                jobs,
                intake,
                settings.maxPhotoBytes(),
                clock);
    }

    /**
     * Creates the data directory when needed and starts the job workers.
     *
     * @throws IOException when the data directory cannot be created
     */
    public static PhotoDemo start(Hub hub, DemoSettings settings) throws IOException {
        DataDirectory data = new DataDirectory(settings.dataDir());
        data.open();
        return new PhotoDemo(hub, settings, data);
    }

    /**
     * Serves the upload API on {@code builder}: bodies stream to disk, up to a limit that fits the
     * largest photo, and at most {@link DemoSettings#maxUploads} at once.
     */
    public void register(SsemuxServer.Builder builder) {
        builder.upload(
                PhotoRoutes.ROUTE,
                routes,
                (int) Math.min(Integer.MAX_VALUE, (long) settings.maxPhotoBytes() + FORM_OVERHEAD_BYTES),
                settings.maxUploads());
    }

    /** The data directory, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    JobRunner jobs() {
        return jobs;
    }

    /** Stops taking uploads' jobs and waits a few seconds for the queued ones. */
    @Override
    public void close() {
        intake.shutdown();
        try {
            if (!intake.awaitTermination(5, TimeUnit.SECONDS)) {
                intake.shutdownNow();
            }
        } catch (InterruptedException e) {
            intake.shutdownNow();
            Thread.currentThread().interrupt();
        }
        jobs.close();
    }
}
