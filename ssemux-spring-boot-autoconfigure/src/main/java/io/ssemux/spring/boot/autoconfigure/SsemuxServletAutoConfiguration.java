package io.ssemux.spring.boot.autoconfigure;

import io.ssemux.core.Hub;
import io.ssemux.http.HttpApi;
import io.ssemux.spring.servlet.SsemuxServlet;
import io.ssemux.spring.web.PrincipalResolver;
import io.ssemux.spring.web.SinkExecutors;
import jakarta.servlet.Servlet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * ssemux's endpoints on a servlet app (Spring MVC): {@link SsemuxServlet} at {@code <ssemux.path>/*},
 * on the app's own port, behind the app's filters (Spring Security's among them).
 */
@AutoConfiguration(after = SsemuxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Servlet.class, ServletRegistrationBean.class})
@ConditionalOnBean(Hub.class)
public class SsemuxServletAutoConfiguration {

    @Bean
    ServletRegistrationBean<SsemuxServlet> ssemuxServlet(
            Hub hub, HttpApi api, PrincipalResolver principals, SinkExecutors executors, SsemuxProperties properties) {
        SsemuxServlet servlet = new SsemuxServlet(
                hub, api, principals, executors, properties.getOutboundLimit().toBytes(), Paths.maxBodyBytes(hub));
        ServletRegistrationBean<SsemuxServlet> registration =
                new ServletRegistrationBean<>(servlet, Paths.check(properties.getPath()) + "/*");
        registration.setName("ssemux");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }
}
