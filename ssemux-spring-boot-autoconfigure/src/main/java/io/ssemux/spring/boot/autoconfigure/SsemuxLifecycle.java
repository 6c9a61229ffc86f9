package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Drains the hub when the application shuts down, before the web server stops: new streams are
 * refused (503, Retry-After), the open ones are ended one by one over the drain window, each told to
 * reconnect (to another node) after a random delay, so a restart causes no reconnect storm. Publishing
 * works throughout. The hub itself closes with the context.
 *
 * <p>Its phase is the last to start and so the first to stop, ahead of the web server's graceful
 * shutdown, which would otherwise wait for the streams until its timeout.
 */
final class SsemuxLifecycle implements SmartLifecycle {
    private final Hub hub;
    private final Duration window;
    private volatile boolean running;

    SsemuxLifecycle(Hub hub, Duration window) {
        if (window == null || window.isNegative()) {
            throw new IllegalStateException("ssemux.drain-window: " + window + " (expected: >= 0)");
        }
        this.hub = hub;
        this.window = window;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        hub.drain(window).join();
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        hub.drain(window).whenComplete((done, failure) -> callback.run());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }
}
