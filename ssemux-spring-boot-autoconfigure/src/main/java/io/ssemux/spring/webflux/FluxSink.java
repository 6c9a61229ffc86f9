package io.ssemux.spring.webflux;

import io.ssemux.core.CloseReason;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.Connection;
import io.ssemux.spring.web.QueuedSink;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * One stream on Spring WebFlux, and the hub's {@link io.ssemux.core.transport.SseSink} for it: the
 * response body is a {@code Flux} of batches, each batch being what the hub flushed since the server
 * last asked (one flush or several), written and flushed by the server ({@code writeAndFlushWith}) as
 * the client takes it. The server asks for the
 * next batch once the last is written; batches the client has not asked for wait here, and more than
 * the outbound limit of them makes the sink unwritable, which the hub treats as a slow consumer.
 *
 * <p>Threading: every method of the sink runs on its executor (one thread of
 * {@link io.ssemux.spring.web.SinkExecutors}); the server's signals (request, cancel) only hand over
 * to it. {@link #isOpen} may be read anywhere.
 */
final class FluxSink extends QueuedSink {
    /** How long the server may take to start writing a stream's response. */
    static final Duration SUBSCRIBE_DEADLINE = Duration.ofSeconds(10);

    private final DataBufferFactory buffers;
    private final ArrayDeque<List<Frame>> batches = new ArrayDeque<>();
    private final Flux<Publisher<DataBuffer>> body;
    private List<Frame> batch = new ArrayList<>();
    private volatile reactor.core.publisher.FluxSink<Publisher<DataBuffer>> emitter;
    private Connection connection;
    private volatile boolean subscribeDeadlinePassed;
    private final LongSupplier nanoTime;
    private final long createdNanos;

    FluxSink(Executor executor, DataBufferFactory buffers, long limitBytes) {
        this(executor, buffers, limitBytes, System::nanoTime);
    }

    /** With a clock of its own, for tests of the subscription deadline. */
    FluxSink(Executor executor, DataBufferFactory buffers, long limitBytes, LongSupplier nanoTime) {
        super(executor, limitBytes);
        this.nanoTime = nanoTime;
        this.createdNanos = nanoTime.getAsLong();
        this.buffers = buffers;
        this.body = Flux.create(
                emitter -> executor.execute(() -> {
                    this.emitter = emitter;
                    emitter.onRequest(n -> executor.execute(this::emit));
                    emitter.onDispose(() -> executor.execute(this::gone));
                    emit();
                }),
                reactor.core.publisher.FluxSink.OverflowStrategy.ERROR);
    }

    /** The response body: one batch of buffers per flush. Subscribed to once, by the server. */
    Flux<Publisher<DataBuffer>> body() {
        return body;
    }

    /** Called on the request's thread once the hub has registered the stream. */
    void attach(Connection connection) {
        executor().execute(() -> {
            this.connection = connection;
            if (!isOpen()) {
                connection.closed(CloseReason.CLIENT_GONE); // the client left before the stream was attached
            }
        });
    }

    /**
     * False once the stream ended, and also when the server never took the body within
     * {@link #SUBSCRIBE_DEADLINE} (the exchange was dropped before its response was written): the hub's
     * next heartbeat then lets the stream go instead of keeping it for ever.
     */
    @Override
    public boolean isOpen() {
        if (emitter == null
                && !subscribeDeadlinePassed
                && nanoTime.getAsLong() - createdNanos > SUBSCRIBE_DEADLINE.toNanos()) {
            subscribeDeadlinePassed = true;
        }
        return super.isOpen() && !subscribeDeadlinePassed;
    }

    @Override
    protected void enqueue(Frame frame) {
        batch.add(frame);
    }

    @Override
    public void flush() {
        if (!batch.isEmpty()) {
            batches.add(batch);
            batch = new ArrayList<>();
        }
        emit();
    }

    /**
     * Hands the server what it asked for: everything queued, as one write and one flush, since the
     * server asks for the next only once the last is flushed (a round trip through its I/O thread);
     * completes an ending stream once all is out.
     */
    private void emit() {
        if (emitter == null || !isOpen()) {
            return;
        }
        if (!batches.isEmpty() && emitter.requestedFromDownstream() > 0) {
            List<DataBuffer> wrapped = new ArrayList<>();
            List<Frame> next;
            while ((next = batches.poll()) != null) {
                for (Frame frame : next) {
                    taken(frame.length());
                    wrapped.add(buffers.wrap(frame.asByteBuffer()));
                }
            }
            emitter.next(Flux.fromIterable(wrapped));
        }
        if (drainedAfterFull() && connection != null) {
            connection.writable();
        }
        if (ending() && batches.isEmpty()) {
            ended();
            emitter.complete();
        }
    }

    /** The client is gone, or the body ended: the hub forgets the stream (the first report wins). */
    private void gone() {
        ended();
        batches.clear();
        batch.clear();
        if (connection != null) {
            connection.closed(CloseReason.CLIENT_GONE);
        }
    }
}
