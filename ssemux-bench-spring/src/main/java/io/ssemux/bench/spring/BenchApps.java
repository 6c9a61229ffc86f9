package io.ssemux.bench.spring;

import io.ssemux.bench.spring.sink.SinkApp;
import io.ssemux.bench.spring.starter.StarterApp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring apps that {@code bench/run.sh spring} measures with the same load generator as the
 * standalone server, one jar for all: {@code mvc} and {@code webflux} are the ssemux starter with its
 * defaults on Spring MVC (Tomcat) and on WebFlux (Reactor Netty); {@code sink} is a plain WebFlux sink
 * of the kind a Spring team writes without ssemux ({@link SinkApp}). Each listens on 127.0.0.1 only.
 *
 * <pre>java -jar ssemux-bench-spring.jar mvc|webflux|sink [--server.port=18080] [--other.spring=property]</pre>
 */
public final class BenchApps {
    private BenchApps() {}

    public static void main(String[] args) {
        if (args.length == 0 || !Arrays.asList("mvc", "webflux", "sink").contains(args[0])) {
            System.err.println(
                    "usage: java -jar ssemux-bench-spring.jar mvc|webflux|sink [--server.port=N] [--name=value]");
            System.exit(2);
        }
        start(args[0], Arrays.copyOfRange(args, 1, args.length));
    }

    /** Starts the app named {@code app} with Spring Boot's command-line {@code args}. */
    public static ConfigurableApplicationContext start(String app, String... args) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.address", "127.0.0.1"); // the development authenticator believes anyone
        defaults.put("server.port", "18080");
        defaults.put("spring.main.banner-mode", "off");
        defaults.put("logging.level.root", "WARN"); // as the standalone server is measured
        SpringApplication application;
        switch (app) {
            case "mvc", "webflux" -> {
                application = new SpringApplication(StarterApp.class);
                application.setWebApplicationType(
                        app.equals("mvc") ? WebApplicationType.SERVLET : WebApplicationType.REACTIVE);
                // The standalone server is measured with --max-connections 19950 (19,000 streams);
                // Tomcat's own cap (8,192) and accept queue (100) would refuse or delay the ramp, so
                // they get ssemux's cap and listen backlog (1,024). The generator publishes over one
                // keep-alive connection (which fixes the order), which Tomcat would close after 100
                // requests. Nothing else is tuned.
                defaults.put("ssemux.max-connections", "19950");
                defaults.put("server.tomcat.max-connections", "20000");
                defaults.put("server.tomcat.accept-count", "1024");
                defaults.put("server.tomcat.max-keep-alive-requests", "-1");
            }
            case "sink" -> {
                application = new SpringApplication(SinkApp.class);
                application.setWebApplicationType(WebApplicationType.REACTIVE);
                defaults.put("ssemux.enabled", "false");
            }
            default -> throw new IllegalArgumentException("app: " + app + " (expected: mvc, webflux or sink)");
        }
        application.setDefaultProperties(defaults);
        return application.run(args);
    }
}
