/**
 * The ssemux hub, transport-agnostic and JDK-only.
 *
 * <ul>
 *   <li>{@link io.ssemux.core} — what an application uses: {@link io.ssemux.core.Hub} and its
 *       builder, events, stats, listeners, names and errors.
 *   <li>{@link io.ssemux.core.spi} — what an application may plug in: who a request is
 *       ({@link io.ssemux.core.spi.Authenticator}) and where events are kept
 *       ({@link io.ssemux.core.spi.EventLog}).
 *   <li>{@link io.ssemux.core.transport} — what a transport (ssemux-netty, a framework adapter)
 *       implements and calls to carry streams; applications do not need it.
 *   <li>{@link io.ssemux.core.time} — the {@link io.ssemux.core.time.Scheduler} every wait goes through.
 *   <li>{@link io.ssemux.core.sse} — the {@code text/event-stream} format and ssemux's own events,
 *       written and read in one place each.
 * </ul>
 */
module io.ssemux.core {
    exports io.ssemux.core;
    exports io.ssemux.core.spi;
    exports io.ssemux.core.transport;
    exports io.ssemux.core.sse;
    exports io.ssemux.core.time;
}
