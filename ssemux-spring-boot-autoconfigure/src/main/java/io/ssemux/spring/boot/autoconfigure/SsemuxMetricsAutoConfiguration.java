package io.ssemux.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.ssemux.core.Hub;
import io.ssemux.core.spi.Backplane;
import io.ssemux.micrometer.SsemuxMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * ssemux's meters ({@code ssemux_streams_open}, {@code ssemux_publish_flush_seconds}, …; see
 * ssemux-micrometer) in the application's Micrometer registry, so they reach whatever the app
 * exports to ({@code /actuator/prometheus}, …).
 */
@AutoConfiguration(
        after = SsemuxAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"
        })
@ConditionalOnClass({MeterRegistry.class, SsemuxMetrics.class})
@ConditionalOnBean({MeterRegistry.class, Hub.class})
public class SsemuxMetricsAutoConfiguration {

    /** A listener of the hub: it records the publish-to-flush latency and the close reasons. */
    @Bean
    @ConditionalOnMissingBean
    SsemuxMetrics ssemuxMetrics(MeterRegistry registry) {
        return new SsemuxMetrics(registry);
    }

    /** Binds the hub's counts once every bean, the hub included, is made. */
    @Bean
    SmartInitializingSingleton ssemuxMetricsBinder(
            SsemuxMetrics metrics, Hub hub, ObjectProvider<Backplane> backplane) {
        return () -> {
            metrics.bind(hub);
            backplane.ifAvailable(b -> {
                if (b instanceof io.ssemux.redis.RedisBackplane redis) {
                    metrics.bindBackplaneLag(redis::lag);
                }
            });
        };
    }
}
