package io.ssemux.spring.web;

import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.spi.RequestInfo;
import io.ssemux.spring.ChannelAuthorizer;
import java.util.Objects;
import org.springframework.util.ClassUtils;

/**
 * Says who a request to ssemux comes from. By default the principal the Spring application
 * authenticated: its name is the ssemux user, its grants are what the {@link ChannelAuthorizer} says;
 * no principal, or Spring Security's anonymous one, is a 401. An application that declares an
 * ssemux {@link Authenticator} bean (a JWT one, say) has that read the request instead.
 *
 * <p>Not API: public for the transports of this module. Thread-safe; never blocks (unless the
 * authorizer does).
 */
public final class PrincipalResolver {
    private static final boolean SECURITY =
            ClassUtils.isPresent("org.springframework.security.core.Authentication", null);

    private final ChannelAuthorizer authorizer;
    private final Authenticator authenticator;

    /**
     * @param authenticator the application's own ssemux authenticator, or {@code null} to use its
     *                      Spring principal and {@code authorizer}
     */
    public PrincipalResolver(ChannelAuthorizer authorizer, Authenticator authenticator) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.authenticator = authenticator;
    }

    /**
     * ssemux's principal for a request that Spring authenticated as {@code user} ({@code null} for
     * nobody).
     *
     * @throws SsemuxException {@code UNAUTHORIZED} when nobody signed in; {@code BAD_REQUEST} when the
     *     name is not a valid ssemux user id
     */
    public Principal resolve(java.security.Principal user, RequestInfo request) {
        if (authenticator != null) {
            return authenticator.authenticate(request);
        }
        if (user == null || (SECURITY && SpringSecurity.isAnonymous(user))) {
            throw SsemuxException.unauthorized(
                    "no signed-in user (expected: a request the application authenticated, such as with a Spring Security session or token)");
        }
        return Principal.of(user.getName(), authorizer.grants(user));
    }
}
