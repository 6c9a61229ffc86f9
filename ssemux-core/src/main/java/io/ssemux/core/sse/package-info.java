/**
 * The one Server-Sent Events parser of ssemux: {@link io.ssemux.core.sse.SseParser} turns the bytes
 * of a {@code text/event-stream} into {@link io.ssemux.core.sse.SseMessage}s exactly as the WHATWG
 * HTML standard (§9.2.6) and a browser's {@code EventSource} do. JDK only.
 */
package io.ssemux.core.sse;
