/**
 * What an application uses: a {@link io.ssemux.core.Hub} made by {@link io.ssemux.core.Hub#builder()},
 * to {@linkplain io.ssemux.core.Hub#publish publish} events on channels; {@link io.ssemux.core.Event},
 * {@link io.ssemux.core.PublishResult} and {@link io.ssemux.core.HubStats}, immutable values;
 * {@link io.ssemux.core.HubListener}, told of streams opening and closing; the grammar of names
 * ({@link io.ssemux.core.Names}) and the one exception, {@link io.ssemux.core.SsemuxException}.
 *
 * <p>Everything else in this package is the hub's implementation and is not public.
 */
package io.ssemux.core;
