/**
 * The contract between the hub and a transport that carries its streams (ssemux-netty, or a
 * framework adapter): the transport opens a stream with {@link io.ssemux.core.Hub#connect}, passing a
 * {@link io.ssemux.core.transport.ConnectRequest} and its {@link io.ssemux.core.transport.SseSink}, and
 * reports the socket's state through the {@link io.ssemux.core.transport.Connection} it gets back.
 * Applications do not need this package.
 */
package io.ssemux.core.transport;
