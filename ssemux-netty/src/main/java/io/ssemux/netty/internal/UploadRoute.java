package io.ssemux.netty.internal;

import io.ssemux.netty.UploadHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upload route's handler and its limit on uploads in flight (from an accepted head until the
 * answer, or until the connection drops), counted across every connection. Thread-safe.
 */
final class UploadRoute {
    private final UploadHandler handler;
    private final int maxInFlight;
    private final UploadFiles files;
    private final AtomicInteger inFlight = new AtomicInteger();

    UploadRoute(UploadHandler handler, int maxInFlight, UploadFiles files) {
        this.handler = handler;
        this.maxInFlight = maxInFlight;
        this.files = files;
    }

    UploadHandler handler() {
        return handler;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    /** Where the bodies' files go. */
    UploadFiles files() {
        return files;
    }

    /** Takes a place for one more upload; false when all {@code maxInFlight} are taken. */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back the place of an upload that ended, however it ended. */
    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }
}
