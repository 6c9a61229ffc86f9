package io.ssemux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trusting development authenticator serves this machine only. */
class DevelopmentModeTest {
    @RegisterExtension
    final ServerExtension server = new ServerExtension();

    private String rawGet(String host) throws IOException {
        return rawGet(server.port(), host);
    }

    private static String rawGet(int port, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String hostLine = host == null ? "" : "Host: " + host + "\r\n";
            socket.getOutputStream()
                    .write(("GET /healthz HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:443", "[::1]", "[::1]:8080"
            })
    void servesRequestsAddressedToThisMachine(String host) throws IOException {
        assertThat(rawGet(host)).startsWith("HTTP/1.1 200 OK");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "evil.example.com",
                "localhost.evil.example.com",
                "127.0.0.1.nip.io",
                "localhost:80x",
                "[::1]x",
                "127.0.0.2",
                "0.0.0.0"
            })
    void refusesAnyOtherHostSoARebindingDnsNameCannotReachIt(String host) throws IOException {
        String answer = rawGet(host);

        assertThat(answer)
                .startsWith("HTTP/1.1 403 Forbidden")
                .contains(
                        "\"message\":\"Host '" + host + "': not this machine (expected: localhost, 127.0.0.1 or [::1]");
    }

    @Test
    void refusesARequestWithoutHost() throws IOException {
        assertThat(rawGet(null)).startsWith("HTTP/1.1 403 Forbidden");
    }

    @Test
    void refusesToListenOnANetworkAddressUnlessAllowedExplicitly() throws IOException {
        try (Hub hub = Hub.builder().build()) {
            SsemuxServer open =
                    SsemuxServer.builder(hub).host("0.0.0.0").port(0).build();
            assertThatThrownBy(open::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith(
                            "host 0.0.0.0: the authenticator trusts anyone, so the server listens on loopback only");

            try (SsemuxServer allowed = SsemuxServer.builder(hub)
                    .host("0.0.0.0")
                    .port(0)
                    .trustAnyoneOnNetwork(true)
                    .build()
                    .start()) {
                assertThat(rawGet(allowed.port(), "ssemux.example.internal:8080"))
                        .as("a server allowed on the network serves the names it is reached by")
                        .startsWith("HTTP/1.1 200 OK");
            }
        }
    }
}
