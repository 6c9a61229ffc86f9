package io.ssemux.spring.web;

import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Principal;
import io.ssemux.http.ApiRequest;
import java.util.List;

/**
 * What the Spring transports' requests share: the query, parsed once without touching the body, and
 * the principal, resolved once from the user Spring authenticated. Used on one thread at a time.
 *
 * <p>Not API: public for the transports of this module.
 */
public abstract class WebApiRequest implements ApiRequest {
    private final QueryString query;
    private final PrincipalResolver principals;
    private Principal principal;

    /**
     * @param rawQuery the query string as it came ({@code null} for none)
     * @throws SsemuxException {@code BAD_REQUEST} for a malformed percent-encoding
     */
    protected WebApiRequest(String rawQuery, PrincipalResolver principals) {
        this.query = QueryString.parse(rawQuery);
        this.principals = principals;
    }

    /** The user the application authenticated, or {@code null} for nobody. */
    protected abstract java.security.Principal user();

    @Override
    public final String queryParameter(String name) {
        return query.first(name);
    }

    @Override
    public final List<String> queryParameters(String name) {
        return query.values(name);
    }

    @Override
    public final Principal principal() {
        if (principal == null) {
            principal = principals.resolve(user(), this);
        }
        return principal;
    }

    /** The refusal of a body larger than {@code maxBodyBytes}. */
    public static SsemuxException tooLarge(int maxBodyBytes) {
        return SsemuxException.payloadTooLarge(
                "body: larger than " + maxBodyBytes + " bytes (expected: an event within the hub's max-event-size)");
    }
}
