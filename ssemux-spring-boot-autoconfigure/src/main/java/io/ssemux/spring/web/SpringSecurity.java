package io.ssemux.spring.web;

import java.security.Principal;
import java.util.Collection;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** What ssemux reads of Spring Security's principals; loaded only when Spring Security is present. */
final class SpringSecurity {
    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private SpringSecurity() {}

    /** Whether {@code user} is Spring Security's stand-in for nobody. */
    static boolean isAnonymous(Principal user) {
        return user instanceof Authentication authentication && TRUST.isAnonymous(authentication);
    }

    /** Whether {@code user} holds one of {@code authorities} ({@code ROLE_ADMIN}, …). */
    static boolean hasAnyAuthority(Principal user, Collection<String> authorities) {
        if (!(user instanceof Authentication authentication) || authorities.isEmpty()) {
            return false;
        }
        for (GrantedAuthority granted : authentication.getAuthorities()) {
            if (authorities.contains(granted.getAuthority())) {
                return true;
            }
        }
        return false;
    }
}
