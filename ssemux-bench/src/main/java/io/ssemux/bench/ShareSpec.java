package io.ssemux.bench;

/**
 * The connections one process opens: numbers {@code first} to {@code first + count - 1} of the run.
 *
 * @param target          the kind of server
 * @param host            the server's address (loopback only)
 * @param port            the server's port
 * @param channel         the channel every stream subscribes to
 * @param first           the number of the first connection (spreads users and source addresses)
 * @param users           connection {@code n} belongs to user {@code u(n % users)}
 * @param ownChannels     channels of its user's own that each stream subscribes to as well
 * @param count           how many connections
 * @param rampPerSecond   new connections a second, at most
 * @param maxPending      connects in flight, at most
 * @param sourceAddresses source addresses 127.0.0.1 … 127.0.0.K used in turn
 * @param threads         I/O threads
 * @param lifetimeSeconds the share stops by itself after this long, whatever happens
 * @param http2Connections 0 for HTTP/1.1 (a connection per stream); else the streams are HTTP/2 streams
 *                        over this many h2c (prior knowledge) connections, in turn
 */
record ShareSpec(
        Target target,
        String host,
        int port,
        String channel,
        int first,
        int users,
        int ownChannels,
        int count,
        int rampPerSecond,
        int maxPending,
        int sourceAddresses,
        int threads,
        int lifetimeSeconds,
        int http2Connections) {}
