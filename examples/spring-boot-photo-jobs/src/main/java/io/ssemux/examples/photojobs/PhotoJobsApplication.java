package io.ssemux.examples.photojobs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The photo-jobs demo of ssemux's standalone server, as a Spring Boot app with the ssemux starter:
 * signed-in users upload photos, and each upload's job and manifest change reach the uploader's page
 * live, on their private channel {@code user:<name>}, over the page's one SSE connection.
 */
@SpringBootApplication
@EnableConfigurationProperties(PhotoJobsProperties.class)
public class PhotoJobsApplication {
    public static void main(String[] args) {
        SpringApplication.run(PhotoJobsApplication.class, args);
    }
}
