package io.ssemux.http;

import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.RequestInfo;
import java.util.List;

/**
 * A request to one of ssemux's endpoints as {@link HttpApi} reads it, whatever server received it.
 * Used on one thread at a time.
 */
public interface ApiRequest extends RequestInfo {

    /** Every value of a query parameter, in order; empty when absent. */
    List<String> queryParameters(String name);

    /** The whole body (empty for none). */
    byte[] body();

    /**
     * Who sends the request, asked when an endpoint needs to know (the stats of a development server
     * never ask).
     *
     * @throws io.ssemux.core.SsemuxException {@code UNAUTHORIZED} when nobody can be authenticated
     */
    Principal principal();
}
