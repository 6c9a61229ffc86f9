package io.ssemux.spring.boot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The application the starter's tests run: Spring Security with HTTP Basic and three users (alice and
 * bob, and ops who holds the admin authority), on Spring MVC or WebFlux as the test chooses with
 * {@code spring.main.web-application-type}.
 */
@SpringBootApplication
public class TestApp {
    static final String PASSWORD = "secret-password";
    /** Paths anyone may request: the health checks, and more when a test says so. */
    static final String OPEN_PATHS = "${test.open-paths:/actuator/health/**}";

    /**
     * A user, as a fresh copy for each sign-in, its password compared as it is ({@link #PLAIN}): with
     * Spring Security's default encoder every request costs a BCrypt hash (70 ms on this machine),
     * which would slow the tests, not ssemux.
     */
    static UserDetails user(String name) {
        return switch (name) {
            case "alice", "bob" ->
                User.withUsername(name).password(PASSWORD).roles("USER").build();
            case "ops" ->
                User.withUsername(name)
                        .password(PASSWORD)
                        .roles("USER", "SSEMUX_ADMIN")
                        .build();
            default -> throw new UsernameNotFoundException(name);
        };
    }

    /** Passwords compared as they are, in constant time: a test's users, never a real app's. */
    static final PasswordEncoder PLAIN = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return raw.toString();
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            return MessageDigest.isEqual(
                    raw.toString().getBytes(StandardCharsets.UTF_8), encoded.getBytes(StandardCharsets.UTF_8));
        }
    };

    @Bean
    PasswordEncoder passwordEncoder() {
        return PLAIN;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletSecurity {
        @Bean
        SecurityFilterChain security(HttpSecurity http, @Value(OPEN_PATHS) String[] open) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.requestMatchers(open)
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .httpBasic(Customizer.withDefaults())
                    // ssemux's POSTs need Content-Type: application/json, which no form can send
                    .csrf(csrf -> csrf.ignoringRequestMatchers("/api/sse/**"))
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return TestApp::user;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveSecurity {
        @Bean
        SecurityWebFilterChain security(ServerHttpSecurity http, @Value(OPEN_PATHS) String[] open) {
            return http.authorizeExchange(exchanges -> exchanges
                            .pathMatchers(open)
                            .permitAll()
                            .anyExchange()
                            .authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(ServerHttpSecurity.CsrfSpec::disable)
                    .build();
        }

        @Bean
        ReactiveUserDetailsService users() {
            return name -> Mono.fromCallable(() -> TestApp.user(name))
                    .onErrorResume(UsernameNotFoundException.class, e -> Mono.empty());
        }
    }
}
