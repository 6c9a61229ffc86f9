/**
 * The {@code text/event-stream} format, each direction in one place: {@link io.ssemux.core.sse.SseEncoder}
 * writes events and comments as shared {@link io.ssemux.core.sse.Frame}s, and
 * {@link io.ssemux.core.sse.SseParser} reads a stream into {@link io.ssemux.core.sse.SseMessage}s exactly as
 * the WHATWG HTML standard (§9.2.6) and a browser's {@code EventSource} do (for the Java client, tests and
 * benchmarks). JDK only.
 */
package io.ssemux.core.sse;
