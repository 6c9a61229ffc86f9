package io.ssemux.core.spi;

/** What an {@link Authenticator} may look at in a request, independent of the transport. */
public interface RequestInfo {
    /** The first value of a header (case-insensitive name), or {@code null}. */
    String header(String name);

    /** The first value of a query parameter, or {@code null}. */
    String queryParameter(String name);

    /** The client's address as text (an IP address), for logs and the development authenticator. */
    String remoteAddress();
}
