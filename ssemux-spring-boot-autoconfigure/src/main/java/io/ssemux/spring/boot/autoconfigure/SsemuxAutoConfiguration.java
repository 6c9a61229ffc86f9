package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;
import io.ssemux.core.HubBuilder;
import io.ssemux.core.HubListener;
import io.ssemux.core.spi.Authenticator;
import io.ssemux.core.spi.Backplane;
import io.ssemux.http.HttpApi;
import io.ssemux.spring.ChannelAuthorizer;
import io.ssemux.spring.SsemuxPublisher;
import io.ssemux.spring.web.PrincipalResolver;
import io.ssemux.spring.web.PropertyGrants;
import io.ssemux.spring.web.SinkExecutors;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * ssemux's hub in a Spring Boot app, from the {@code ssemux.*} properties: the {@link Hub} (closed
 * with the context), the {@link SsemuxPublisher} application code injects, the grants of signed-in
 * users, and a drain of the streams when the app shuts down. The endpoints come from
 * {@link SsemuxServletAutoConfiguration} (Spring MVC) or {@link SsemuxWebFluxAutoConfiguration}.
 *
 * <p>Every bean backs off for one of the application's own: a {@code ChannelAuthorizer} replaces the
 * {@code ssemux.grants.*} properties, an ssemux {@code Authenticator} replaces the Spring principal, a
 * {@code HubListener} is added to the hub, a {@code Backplane} (or {@code ssemux.redis.uri}) makes it
 * a cluster node.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnProperty(prefix = "ssemux", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SsemuxProperties.class)
public class SsemuxAutoConfiguration implements BeanClassLoaderAware {
    private ClassLoader classLoader = SsemuxAutoConfiguration.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Hub ssemuxHub(
            SsemuxProperties properties, ObjectProvider<HubListener> listeners, ObjectProvider<Backplane> backplane) {
        if (properties.getRedis().getUri() != null
                && !ClassUtils.isPresent("io.ssemux.redis.RedisBackplane", classLoader)) {
            throw new IllegalStateException("ssemux.redis.uri: set, but ssemux-redis is not on the class path"
                    + " (expected: a dependency on io.ssemux:ssemux-redis for a cluster, or no ssemux.redis.uri)");
        }
        HubBuilder builder = Hub.builder().config(properties.hubConfig());
        listeners.orderedStream().forEach(builder::listener);
        backplane.ifAvailable(builder::backplane);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    ChannelAuthorizer ssemuxChannelAuthorizer(SsemuxProperties properties) {
        SsemuxProperties.Grants grants = properties.getGrants();
        try {
            return new PropertyGrants(grants.getSubscribe(), grants.getPublish(), grants.getAdminAuthorities());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ssemux.grants: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    PrincipalResolver ssemuxPrincipalResolver(
            ChannelAuthorizer authorizer, ObjectProvider<Authenticator> authenticator) {
        return new PrincipalResolver(authorizer, authenticator.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    HttpApi ssemuxHttpApi(Hub hub) {
        return new HttpApi(hub, false);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SinkExecutors ssemuxStreamThreads(SsemuxProperties properties) {
        int threads = properties.getStreamThreads();
        if (threads < 0) {
            throw new IllegalStateException(
                    "ssemux.stream-threads: " + threads + " (expected: >= 0; 0 is one per core)");
        }
        return new SinkExecutors(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    }

    /** Values are written with the app's own JSON mapper (Spring Boot 4's Jackson 3), if it has one. */
    @Bean
    @ConditionalOnMissingBean
    SsemuxPublisher ssemuxPublisher(Hub hub, ListableBeanFactory beans) {
        return new SsemuxPublisher(hub, JsonWriters.of(beans));
    }

    @Bean
    @ConditionalOnMissingBean
    SsemuxLifecycle ssemuxLifecycle(Hub hub, SsemuxProperties properties) {
        return new SsemuxLifecycle(hub, properties.getDrainWindow());
    }
}
