package io.ssemux.client;

import io.ssemux.core.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records everything a client tells its application, with the thread it was told on. */
final class Recorder {
    static final Duration WAIT = Duration.ofSeconds(20);

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<Reset> resets = new CopyOnWriteArrayList<>();
    final List<SseClientException> errors = new CopyOnWriteArrayList<>();
    final List<SseClient.State> states = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CountDownLatch evicted = new CountDownLatch(1);

    /** Records every event ({@code onChannel("all")}) and every callback. */
    SseClientBuilder attach(SseClientBuilder builder) {
        return builder.onChannel("all", e -> {
                    threads.add(Thread.currentThread().getName());
                    events.add(e);
                })
                .onReset(resets::add)
                .onError(errors::add)
                .onStateChange(states::add)
                .onEvicted(evicted::countDown);
    }

    /** The next event, waiting for it; fails when none comes. */
    Event next() {
        try {
            Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no event within " + WAIT + "; errors: " + errors + "; states: " + states);
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<Event> next(int n) {
        List<Event> taken = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            taken.add(next());
        }
        return taken;
    }
}
