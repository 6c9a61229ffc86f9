package io.ssemux.bench.spring.starter;

import io.ssemux.core.spi.Authenticator;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An app whose only web endpoints are the ssemux starter's, with its defaults, on whichever stack
 * {@link io.ssemux.bench.spring.BenchApps} chose. No Spring Security: the requests are authenticated
 * by ssemux's development authenticator (the {@code user} query parameter, and grants to read and
 * publish every public channel), as the standalone server is measured, so both pay the same for it.
 */
@SpringBootApplication
public class StarterApp {
    /** Read by the starter in place of the Spring principal. */
    @Bean
    Authenticator developmentUsers() {
        return Authenticator.development();
    }
}
