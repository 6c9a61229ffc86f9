/**
 * Time, injected: the {@link io.ssemux.core.time.Scheduler} through which the hub and the Java client
 * wait, so that tests drive time instead of waiting for it.
 */
package io.ssemux.core.time;
