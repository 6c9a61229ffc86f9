package io.ssemux.server.demo;

import io.ssemux.core.Hub;
import io.ssemux.netty.SsemuxServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

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
    private final PhotoRoutes routes;
    private final Path dataDir;

    private PhotoDemo(Hub hub, DemoSettings settings, DataDirectory data) {
        this.settings = settings;
        this.dataDir = data.root();
        Clock clock = Clock.systemUTC();
        this.jobs = new JobRunner(hub, settings.workers(), settings.queueCapacity(), settings.stepPause());
        this.routes = new PhotoRoutes(
                data,
                new Thumbnailer(THUMBNAIL_BOX, MAX_PIXELS),
                new ManifestService(data, hub, clock),
                jobs,
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
        Files.createDirectories(data.root().resolve("projects"));
        return new PhotoDemo(hub, settings, data);
    }

    /** Serves the upload API on {@code builder}, with a body limit that fits the largest photo. */
    public void register(SsemuxServer.Builder builder) {
        builder.route(PhotoRoutes.ROUTE, routes, (int)
                Math.min(Integer.MAX_VALUE, (long) settings.maxPhotoBytes() + FORM_OVERHEAD_BYTES));
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
        jobs.close();
    }
}
