package io.ssemux.examples.photojobs;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may do what: everything but the health check and the login page needs a signed-in user, by
 * Spring Security's form login and session. The starter takes that user as ssemux's: their name is
 * the ssemux user (who reads their own {@code user:<name>} and nobody else's), and the
 * {@code ssemux.grants.*} properties say what else they may read; {@code ROLE_SSEMUX_ADMIN} is the
 * admin grant (the stats panel).
 */
@Configuration(proxyBeanMethods = false)
class WebSecurity {
    private static final RequestMatcher API =
            PathPatternRequestMatcher.withDefaults().matcher("/api/**");

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                // Always to "/", which opens the page as the signed-in user.
                .formLogin(login -> login.defaultSuccessUrl("/", true).permitAll())
                // The API answers in JSON, where a page would be sent to the login form.
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(ApiErrors::unauthorized, API)
                        .defaultAccessDeniedHandlerFor(ApiErrors::forbidden, API))
                // The page reads the XSRF-TOKEN cookie and sends it as X-XSRF-TOKEN with its uploads.
                // ssemux's own POSTs need Content-Type: application/json, which no cross-site form can
                // send (and a script only after a CORS preflight the app does not allow): no token needed.
                .csrf(csrf -> csrf.spa().ignoringRequestMatchers("/api/sse/**"))
                .build();
    }

    /**
     * The example's users: alice and bob, and ops who also holds the admin grant. Passwords as the
     * README lists them, kept as BCrypt hashes like a real user store's.
     */
    @Bean
    UserDetailsService users() {
        PasswordEncoder passwords = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(
                User.withUsername("alice")
                        .password(passwords.encode("alice"))
                        .roles("USER")
                        .build(),
                User.withUsername("bob")
                        .password(passwords.encode("bob"))
                        .roles("USER")
                        .build(),
                User.withUsername("ops")
                        .password(passwords.encode("ops"))
                        .roles("USER", "SSEMUX_ADMIN")
                        .build());
    }
}
