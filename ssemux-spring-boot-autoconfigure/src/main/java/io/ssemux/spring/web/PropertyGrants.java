package io.ssemux.spring.web;

import io.ssemux.core.spi.Grants;
import io.ssemux.spring.ChannelAuthorizer;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import org.springframework.util.ClassUtils;

/**
 * The {@link ChannelAuthorizer} of the {@code ssemux.grants.*} properties: the same channel patterns
 * for every signed-in user, and the admin grant for holders of one of the admin authorities (with
 * Spring Security). Immutable.
 *
 * <p>Not API: public for the auto-configuration.
 */
public final class PropertyGrants implements ChannelAuthorizer {
    private static final boolean SECURITY =
            ClassUtils.isPresent("org.springframework.security.core.Authentication", null);

    private final Grants user;
    private final Grants admin;
    private final Set<String> adminAuthorities;

    /**
     * @throws IllegalArgumentException a pattern that is neither a channel name nor a prefix ending in {@code *}
     */
    public PropertyGrants(List<String> subscribe, List<String> publish, List<String> adminAuthorities) {
        this.user = new Grants(subscribe, publish, false);
        this.admin = new Grants(subscribe, publish, true);
        this.adminAuthorities = Set.copyOf(adminAuthorities);
    }

    @Override
    public Grants grants(Principal principal) {
        return SECURITY && SpringSecurity.hasAnyAuthority(principal, adminAuthorities) ? admin : user;
    }
}
