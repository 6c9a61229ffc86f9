package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.spi.Backplane;
import io.ssemux.redis.RedisBackplane;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Cluster mode: with ssemux-redis on the class path and {@code ssemux.redis.uri} set, the hub shares
 * its events, history and per-user limits with every node on that Redis (see docs/CLUSTER.md). The
 * hub closes the backplane.
 */
@AutoConfiguration(before = SsemuxAutoConfiguration.class)
@ConditionalOnClass(RedisBackplane.class)
@ConditionalOnProperty(prefix = "ssemux.redis", name = "uri")
public class SsemuxRedisAutoConfiguration {

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(Backplane.class)
    RedisBackplane ssemuxBackplane(SsemuxProperties properties) {
        SsemuxProperties.Redis redis = properties.getRedis();
        SsemuxProperties.History history = properties.getHistory();
        return RedisBackplane.builder(redis.getUri())
                .streams(redis.getStreams())
                .keyPrefix(redis.getKeyPrefix())
                .history(history.getMaxEvents(), history.getMaxSize().toBytes(), history.getMaxAge())
                .build();
    }
}
