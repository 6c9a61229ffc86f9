package io.ssemux.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The generator only ever sends to this machine: 127.0.0.0/8 (or ::1). */
final class Loopback {
    private Loopback() {}

    static InetAddress check(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "host: '" + host + "' unknown (expected: a loopback address, 127.0.0.0/8)", e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "host: '" + host + "' is not a loopback address (expected: 127.0.0.0/8)");
        }
        return address;
    }
}
