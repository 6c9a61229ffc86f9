/**
 * What an application or an integration may plug into the hub: an
 * {@link io.ssemux.core.spi.Authenticator} that says who a request comes from, and an
 * {@link io.ssemux.core.spi.EventLog} that assigns ids and keeps the history that clients resume
 * from (in memory by default), with the values they exchange with the hub.
 */
package io.ssemux.core.spi;
