/** The Redis Streams backplane of ssemux: {@link io.ssemux.redis.RedisBackplane}. */
module io.ssemux.redis {
    requires transitive io.ssemux.core;
    requires lettuce.core;
    requires org.slf4j;

    exports io.ssemux.redis;
}
