package io.ssemux.spring;

import io.ssemux.core.spi.Grants;
import java.security.Principal;

/**
 * The application's decision of what a signed-in user may read and publish, as ssemux's
 * {@link Grants}: channel patterns ({@code jobs}, {@code project:acme:*}) and the admin grant (the
 * stats, every private channel). Whatever it says, a user always reads their own private channel
 * {@code user:<name>} and never another's.
 *
 * <p>Declare one as a bean to replace the grants of the {@code ssemux.grants.*} properties:
 *
 * <pre>{@code
 * @Bean
 * ChannelAuthorizer channels(ProjectRepository projects) {
 *     return user -> new Grants(projects.channelsOf(user.getName()), List.of(), false);
 * }
 * }</pre>
 *
 * <p>Called on every stream open and API request, on the server's request thread (an event loop on
 * WebFlux): it must not block. Thread-safe.
 */
@FunctionalInterface
public interface ChannelAuthorizer {

    /**
     * What {@code user} may do.
     *
     * @param user the authenticated principal of the request (with Spring Security, its
     *             {@code Authentication}), never anonymous
     */
    Grants grants(Principal user);
}
