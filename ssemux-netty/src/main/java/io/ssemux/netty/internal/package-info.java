/**
 * Not API: the handlers and wiring behind {@link io.ssemux.netty.SsemuxServer}. Anything here may
 * change without notice. Only {@link io.ssemux.netty.internal.ServerInitializer} is public, because
 * {@code SsemuxServer} lives in another package; the module does not export this package.
 */
package io.ssemux.netty.internal;
