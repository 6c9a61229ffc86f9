package io.ssemux.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The starter on Spring WebFlux (Reactor Netty). */
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.web-application-type=reactive",
            StarterContract.PROPERTIES,
            "ssemux.heartbeat=1s",
            "management.endpoint.health.show-details=always"
        })
class WebFluxStarterTest extends StarterContract {}
