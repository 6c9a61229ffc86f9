package io.ssemux.spring.boot.autoconfigure;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.function.Function;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * How the publisher writes values as JSON: with the application's Jackson 3 mapper (Spring Boot 4's
 * {@code JsonMapper}, so events follow the app's naming and modules), else its Jackson 2
 * {@code ObjectMapper}, else a plain Jackson 2 one. Looked up when the publisher is made, so the order
 * of the auto-configurations does not matter.
 */
final class JsonWriters {
    private JsonWriters() {}

    static Function<Object, String> of(ListableBeanFactory beans) {
        ClassLoader loader = JsonWriters.class.getClassLoader();
        if (ClassUtils.isPresent("tools.jackson.databind.ObjectMapper", loader)) {
            Function<Object, String> jackson3 = Jackson3.of(beans);
            if (jackson3 != null) {
                return jackson3;
            }
        }
        com.fasterxml.jackson.databind.ObjectMapper mapper = beans.getBeanProvider(
                        com.fasterxml.jackson.databind.ObjectMapper.class)
                .getIfAvailable(com.fasterxml.jackson.databind.ObjectMapper::new);
        return value -> {
            try {
                return mapper.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "cannot write " + value.getClass().getName() + " as JSON", e);
            }
        };
    }

    /** Loaded only when Jackson 3 is present. */
    private static final class Jackson3 {
        private Jackson3() {}

        static Function<Object, String> of(ListableBeanFactory beans) {
            tools.jackson.databind.ObjectMapper mapper = beans.getBeanProvider(
                            tools.jackson.databind.ObjectMapper.class)
                    .getIfAvailable();
            return mapper == null ? null : mapper::writeValueAsString;
        }
    }
}
