package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;
import io.ssemux.http.HttpApi;
import io.ssemux.spring.web.PrincipalResolver;
import io.ssemux.spring.web.SinkExecutors;
import io.ssemux.spring.webflux.SsemuxWebFluxHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * ssemux's endpoints on a reactive app (Spring WebFlux): a router function for
 * {@code <ssemux.path>/**}, on the app's own port, behind the app's web filters (Spring Security's
 * among them).
 */
@AutoConfiguration(after = SsemuxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(Hub.class)
public class SsemuxWebFluxAutoConfiguration {

    @Bean
    RouterFunction<ServerResponse> ssemuxRoutes(
            Hub hub, HttpApi api, PrincipalResolver principals, SinkExecutors executors, SsemuxProperties properties) {
        return new SsemuxWebFluxHandler(
                        hub,
                        api,
                        principals,
                        executors,
                        Paths.check(properties.getPath()),
                        properties.getOutboundLimit().toBytes(),
                        Paths.maxBodyBytes(hub))
                .routes();
    }
}
