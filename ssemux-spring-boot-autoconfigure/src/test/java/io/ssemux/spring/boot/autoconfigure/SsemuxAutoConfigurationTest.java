package io.ssemux.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssemux.core.Hub;
import io.ssemux.redis.RedisBackplane;
import io.ssemux.spring.SsemuxPublisher;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.web.reactive.function.server.RouterFunction;

/** Which beans the properties and the class path give, and the clear failures of bad settings. */
class SsemuxAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(SsemuxAutoConfiguration.class, SsemuxRedisAutoConfiguration.class));

    @Test
    void theHubFollowsTheProperties() {
        runner.withPropertyValues(
                        "ssemux.heartbeat=7s",
                        "ssemux.max-connections-per-user=2",
                        "ssemux.max-event-size=1KB",
                        "ssemux.history.max-events=50")
                .run(context -> {
                    Hub hub = context.getBean(Hub.class);
                    assertThat(hub.config().heartbeat()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(hub.config().maxConnectionsPerUser()).isEqualTo(2);
                    assertThat(hub.config().maxEventBytes()).isEqualTo(1024);
                    assertThat(hub.config().historyMaxEvents()).isEqualTo(50);
                    assertThat(context).hasSingleBean(SsemuxPublisher.class);
                });
    }

    @Test
    void theDefaultsAreTheHubsOwn() {
        runner.run(context ->
                assertThat(context.getBean(Hub.class).config()).isEqualTo(io.ssemux.core.HubConfig.defaults()));
    }

    @Test
    void disabledMeansNoHub() {
        runner.withPropertyValues("ssemux.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Hub.class));
    }

    @Test
    void anApplicationsOwnHubIsKept() {
        try (Hub own = Hub.builder().build()) {
            runner.withBean(Hub.class, () -> own)
                    .run(context -> assertThat(context.getBean(Hub.class)).isSameAs(own));
        }
    }

    @Test
    void aBadGrantPatternFailsTheStartWithWhatIsWrong() {
        runner.withPropertyValues("ssemux.grants.subscribe=jobs,bad pattern")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("bad pattern"));
    }

    @Test
    void aRedisUriWithoutSsemuxRedisFailsTheStartSayingWhatToAdd() {
        runner.withClassLoader(new FilteredClassLoader(RedisBackplane.class))
                .withPropertyValues("ssemux.redis.uri=redis://127.0.0.1:1")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("io.ssemux:ssemux-redis"));
    }

    @Test
    void anUnreachableRedisFailsTheStartNamingIt() {
        runner.withPropertyValues("ssemux.redis.uri=redis://127.0.0.1:1")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("redis at 127.0.0.1:1: cannot connect"));
    }

    @Test
    void aServletAppGetsTheServletAtThePath() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(SsemuxAutoConfiguration.class, SsemuxServletAutoConfiguration.class))
                .withPropertyValues("ssemux.path=/events")
                .run(context -> {
                    ServletRegistrationBean<?> servlet = context.getBean(ServletRegistrationBean.class);
                    assertThat(List.copyOf(servlet.getUrlMappings())).containsExactly("/events/*");
                    assertThat(servlet.isAsyncSupported()).isTrue();
                });
    }

    @Test
    void aReactiveAppGetsTheRoutes() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(SsemuxAutoConfiguration.class, SsemuxWebFluxAutoConfiguration.class))
                .run(context -> assertThat(context).hasSingleBean(RouterFunction.class));
    }

    @Test
    void aBadPathFailsTheStartWithWhatIsExpected() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(SsemuxAutoConfiguration.class, SsemuxServletAutoConfiguration.class))
                .withPropertyValues("ssemux.path=events/")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("ssemux.path: 'events/'")
                        .hasMessageContaining("expected: a path such as /api/sse"));
    }
}
