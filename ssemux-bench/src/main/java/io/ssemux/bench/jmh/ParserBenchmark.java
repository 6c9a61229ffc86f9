package io.ssemux.bench.jmh;

import io.ssemux.core.sse.SseEncoder;
import io.ssemux.core.sse.SseListener;
import io.ssemux.core.sse.SseMessage;
import io.ssemux.core.sse.SseParser;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** The client-side parser (the one the load generator uses): one event per read, and 64 events in one read. */
@State(Scope.Benchmark)
public class ParserBenchmark extends BenchmarkBase {
    byte[] one;
    byte[] many;
    SseParser parser;
    Blackhole blackhole;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        one = SseEncoder.event("1795823131000000", "tick", Hubs.DATA).toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            SseEncoder.appendEvent(sb, Long.toString(1795823131000000L + i), "tick", Hubs.DATA);
        }
        many = sb.toString().getBytes(StandardCharsets.UTF_8);
        blackhole = bh;
        parser = new SseParser(new SseListener() {
            @Override
            public void onEvent(SseMessage message) {
                blackhole.consume(message);
            }
        });
    }

    @Benchmark
    public SseParser oneEvent() {
        parser.feed(one, 0, one.length);
        return parser;
    }

    @Benchmark
    public SseParser sixtyFourEvents() {
        parser.feed(many, 0, many.length);
        return parser;
    }
}
