package io.ssemux.bench.spring.sink;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain WebFlux app, the baseline ssemux's starter is measured against: {@link SinkController},
 * what a Spring team writes for live events without ssemux, on Reactor Netty.
 */
@SpringBootApplication
public class SinkApp {}
