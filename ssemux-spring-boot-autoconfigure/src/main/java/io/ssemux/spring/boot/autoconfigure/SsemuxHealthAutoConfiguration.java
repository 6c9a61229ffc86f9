package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;
import io.ssemux.core.HubStats;
import io.ssemux.core.Readiness;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ssemux} health indicator (Actuator): UP while the hub takes streams, OUT_OF_SERVICE
 * while it drains, DOWN once closed or while Redis cannot be reached; with the counts of streams,
 * users and channels. {@code management.health.ssemux.enabled=false} turns it off.
 */
@AutoConfiguration(after = SsemuxAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Hub.class)
@ConditionalOnEnabledHealthIndicator("ssemux")
public class SsemuxHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "ssemuxHealthIndicator")
    HealthIndicator ssemuxHealthIndicator(Hub hub) {
        return () -> {
            Readiness readiness = hub.readiness();
            Status status = switch (readiness) {
                case READY -> Status.UP;
                case DRAINING -> Status.OUT_OF_SERVICE;
                case CLOSED, BACKPLANE_UNREACHABLE -> Status.DOWN;
            };
            HubStats stats = hub.stats();
            return Health.status(status)
                    .withDetail("readiness", readiness.name().toLowerCase(Locale.ROOT))
                    .withDetail("connections", stats.connections())
                    .withDetail("users", stats.users())
                    .withDetail("channels", stats.channels())
                    .build();
        };
    }
}
