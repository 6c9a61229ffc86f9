package io.ssemux.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.CloseReason;
import io.ssemux.core.ConnectionInfo;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/** The WebFlux sink on one thread (a direct executor), with a subscriber that asks for batches by hand. */
class FluxSinkTest {
    private final AtomicLong now = new AtomicLong();
    private final FluxSink sink = new FluxSink(Runnable::run, DefaultDataBufferFactory.sharedInstance, 100, now::get);
    private final Reporter connection = new Reporter();
    private final Reader reader = new Reader();

    private static Frame frame(int bytes) {
        return Frame.wrap("x".repeat(bytes).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void whatWasFlushedSinceTheServerLastAskedGoesOutAsOneWrite() {
        sink.attach(connection);
        sink.body().subscribe(reader);
        sink.send(frame(10));
        sink.send(frame(20));
        sink.flush();
        sink.send(frame(5));
        sink.flush();

        assertThat(reader.batches).isEmpty();
        reader.request(1);
        assertThat(reader.batches).containsExactly("10+20+5");
        sink.send(frame(7));
        sink.flush();
        assertThat(reader.batches).as("not asked for yet").hasSize(1);
        reader.request(1);
        assertThat(reader.batches).containsExactly("10+20+5", "7");
    }

    @Test
    void aFlushWhileTheServerWaitsGoesOutAtOnce() {
        sink.attach(connection);
        sink.body().subscribe(reader);
        reader.request(1);

        sink.send(frame(3));
        sink.flush();

        assertThat(reader.batches).containsExactly("3");
    }

    @Test
    void framesTheClientDoesNotTakeMakeTheSinkUnwritableAndTakingThemTellsTheHub() {
        sink.attach(connection);
        sink.body().subscribe(reader);
        for (int i = 0; i < 5; i++) {
            sink.send(frame(30));
            sink.flush();
        }

        assertThat(sink.isWritable()).isFalse();
        assertThat(sink.isOpen()).as("slow, not gone").isTrue();
        reader.request(5);
        assertThat(sink.isWritable()).isTrue();
        assertThat(connection.writable).isEqualTo(1);
    }

    @Test
    void closingSendsTheFarewellThenCompletesTheBody() {
        sink.attach(connection);
        sink.body().subscribe(reader);
        reader.request(10);

        sink.close(frame(3));

        assertThat(reader.batches).containsExactly("3");
        assertThat(reader.completed).isTrue();
        assertThat(sink.isOpen()).isFalse();
    }

    @Test
    void aClientThatLeavesIsReportedToTheHub() {
        sink.attach(connection);
        sink.body().subscribe(reader);

        reader.cancel();

        assertThat(connection.closed).containsExactly(CloseReason.CLIENT_GONE);
        assertThat(sink.isOpen()).isFalse();
    }

    @Test
    void aBodyTheServerNeverTakesLetsTheStreamGoAfterTheDeadline() {
        sink.attach(connection);

        now.addAndGet(FluxSink.SUBSCRIBE_DEADLINE.minus(Duration.ofMillis(1)).toNanos());
        assertThat(sink.isOpen()).isTrue();
        now.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(sink.isOpen()).isFalse();
        assertThat(sink.isWritable()).isFalse();
    }

    /** Takes batches only when the test asks, and writes each down as the sizes of its buffers. */
    private static final class Reader extends BaseSubscriber<Publisher<DataBuffer>> {
        final List<String> batches = new ArrayList<>();
        boolean completed;

        @Override
        protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
            // nothing until the test requests
        }

        @Override
        protected void hookOnNext(Publisher<DataBuffer> batch) {
            List<String> sizes = new ArrayList<>();
            Flux.from(batch).subscribe(buffer -> sizes.add(Integer.toString(buffer.readableByteCount())));
            batches.add(String.join("+", sizes));
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }
    }

    private static final class Reporter implements Connection {
        int writable;
        final List<CloseReason> closed = new ArrayList<>();

        @Override
        public ConnectionInfo info() {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public void writable() {
            writable++;
        }

        @Override
        public void closed(CloseReason reason) {
            closed.add(reason);
        }
    }
}
