package io.ssemux.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The starter on Spring MVC (Tomcat). */
@SpringBootTest(
        classes = TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.web-application-type=servlet",
            StarterContract.PROPERTIES,
            "ssemux.heartbeat=1s",
            "management.endpoint.health.show-details=always"
        })
class MvcStarterTest extends StarterContract {}
