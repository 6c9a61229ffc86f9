package io.ssemux.bench.jmh;

import io.ssemux.core.Event;
import io.ssemux.core.Format;
import io.ssemux.core.spi.EncodedEvent;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.sse.SseEncoder;
import org.openjdk.jmh.annotations.Benchmark;

/** Encoding one event: once per publish, whatever the number of subscribers. */
public class EncodeBenchmark extends BenchmarkBase {

    @Benchmark
    public Frame plainFrame() {
        return SseEncoder.event("1795823131000000", "tick", Hubs.DATA);
    }

    @Benchmark
    public Frame envelopeFrame() {
        return EncodedEvent.of(new Event("1795823131000000", "bench", "tick", Hubs.DATA))
                .frame(Format.ENVELOPE);
    }
}
