package io.ssemux.core;

import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.SseSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/** A sink that runs its calls on the calling thread (or a test's executor) and records what it is sent. */
final class RecordingSink implements SseSink {
    private final Executor executor;
    final List<Frame> sent = new CopyOnWriteArrayList<>();
    final List<Frame> flushed = new ArrayList<>();
    boolean writable = true;
    boolean open = true;
    boolean closed;
    Frame farewell;

    RecordingSink() {
        this(Runnable::run);
    }

    /** A sink whose calls run on {@code executor}, which the test drives. */
    RecordingSink(Executor executor) {
        this.executor = executor;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void send(Frame frame) {
        sent.add(frame);
    }

    @Override
    public void flush() {
        flushed.clear();
        flushed.addAll(sent);
    }

    @Override
    public void close(Frame farewell) {
        this.closed = true;
        this.farewell = farewell;
    }

    /** Everything sent, as text. */
    String text() {
        StringBuilder sb = new StringBuilder();
        sent.forEach(sb::append);
        return sb.toString();
    }

    /** The event types sent, in order (control events included). */
    List<String> types() {
        List<String> types = new ArrayList<>();
        for (Frame frame : sent) {
            for (String line : frame.toString().split("\n", -1)) {
                if (line.startsWith("event: ")) {
                    types.add(line.substring(7));
                }
            }
        }
        return types;
    }
}
