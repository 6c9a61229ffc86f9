package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a stream may carry is what its user's grants say, live and in replay, until the credential expires. */
class HubGrantsTest {
    private static final Grants JOBS_ONLY = new Grants(List.of("jobs"), List.of(), false);

    private final ManualScheduler time = new ManualScheduler();
    private final List<CloseReason> closes = new ArrayList<>();
    private final Hub hub = Hub.builder()
            .clock(time.clock())
            .scheduler(time)
            .heartbeat(Duration.ofHours(1))
            .tokenRefreshLead(Duration.ofSeconds(60))
            .listener(new HubListener() {
                @Override
                public void closed(ConnectionInfo connection, CloseReason reason) {
                    closes.add(reason);
                }
            })
            .build();

    @AfterEach
    void close() {
        hub.close();
    }

    private Connection connect(Principal principal, RecordingSink sink, String... channels) {
        return hub.connect(new ConnectRequest(principal, List.of(channels), Format.PLAIN, null, "127.0.0.1"), sink);
    }

    private static List<String> dataOf(RecordingSink sink) {
        List<String> data = new ArrayList<>();
        for (String line : sink.text().split("\n", -1)) {
            if (line.startsWith("data: ") && !line.startsWith("data: {")) {
                data.add(line.substring(6));
            }
        }
        return data;
    }

    @Test
    void refusesAStreamAskingForChannelsNotGrantedAndNamesThem() {
        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> connect(Principal.of("alice", JOBS_ONLY), sink, "jobs", "payroll", "user:bob"))
                .isInstanceOfSatisfying(
                        SsemuxException.class, e -> assertThat(e.kind()).isEqualTo(SsemuxException.Kind.FORBIDDEN))
                .hasMessage("channels [payroll, user:bob]: not granted to user 'alice'");
        assertThat(sink.sent).isEmpty();
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void allMeansEveryChannelTheUserMayReadNeverMore() {
        RecordingSink alice = new RecordingSink();
        connect(Principal.of("alice", JOBS_ONLY), alice, "all");

        hub.publish("jobs", "t", "1");
        hub.publish("payroll", "t", "2");
        hub.publish("user:bob", "t", "3");
        PublishResult own = hub.publish("user:alice", "t", "4");

        assertThat(dataOf(alice)).containsExactly("1", "4");
        assertThat(own.delivered()).isEqualTo(1);
    }

    @Test
    void evenInDevelopmentNobodyReadsAnotherUsersPrivateChannelThroughAll() {
        RecordingSink alice = new RecordingSink();
        RecordingSink bob = new RecordingSink();
        connect(Principal.of("alice", Grants.all()), alice, "all");
        connect(Principal.of("bob", Grants.all()), bob, "all");

        PublishResult toBob = hub.publish("user:bob", "t", "secret");
        PublishResult toAll = hub.publish("jobs", "t", "public");

        assertThat(dataOf(alice)).containsExactly("public");
        assertThat(dataOf(bob)).containsExactly("secret", "public");
        assertThat(toBob.delivered()).isEqualTo(1);
        assertThat(toAll.delivered()).isEqualTo(2);
    }

    @Test
    void aReplayThroughAllCarriesOnlyWhatTheUserMayRead() {
        String cursor = hub.publish("jobs", "t", "0").id();
        hub.publish("jobs", "t", "1");
        hub.publish("payroll", "t", "2");
        hub.publish("user:bob", "t", "3");
        RecordingSink alice = new RecordingSink();

        hub.connect(
                new ConnectRequest(Principal.of("alice", JOBS_ONLY), List.of("all"), Format.PLAIN, cursor, "127.0.0.1"),
                alice);

        assertThat(dataOf(alice)).containsExactly("1");
    }

    @Test
    void aSubscriptionChangeCannotAddAChannelNotGranted() {
        Connection connection = connect(Principal.of("alice", JOBS_ONLY), new RecordingSink(), "jobs");

        assertThatThrownBy(
                        () -> hub.updateSubscriptions("alice", connection.info().id(), List.of("payroll"), List.of()))
                .hasMessage("channels [payroll]: not granted to user 'alice'");
        assertThat(connection.info().channels()).containsExactly("jobs");
    }

    @Test
    void warnsBeforeTheCredentialExpiresThenEndsTheStreamAtItsExpiry() {
        Instant expiry = Instant.parse("2026-01-01T00:10:00Z");
        RecordingSink sink = new RecordingSink();
        connect(new Principal("alice", JOBS_ONLY, expiry), sink, "jobs");

        time.advance(Duration.ofSeconds(539));
        assertThat(sink.types()).containsExactly("connected");
        time.advance(Duration.ofSeconds(1));
        assertThat(sink.types()).containsExactly("connected", "token_expiring");
        assertThat(sink.text()).endsWith("event: token_expiring\ndata: {\"expiresAt\":\"2026-01-01T00:10:00Z\"}\n\n");
        time.advance(Duration.ofSeconds(59));
        assertThat(sink.closed).isFalse();
        time.advance(Duration.ofSeconds(1));

        assertThat(sink.closed).isTrue();
        assertThat(sink.farewell.toString())
                .isEqualTo("event: token_expired\ndata: {\"expiresAt\":\"2026-01-01T00:10:00Z\"}\n\n");
        assertThat(closes).containsExactly(CloseReason.TOKEN_EXPIRED);
        assertThat(hub.stats().connections()).isZero();
    }

    @Test
    void aRefreshedCredentialKeepsTheStreamPastTheFirstExpiry() {
        RecordingSink sink = new RecordingSink();
        Connection connection =
                connect(new Principal("alice", JOBS_ONLY, Instant.parse("2026-01-01T00:10:00Z")), sink, "jobs");
        time.advance(Duration.ofMinutes(9));

        hub.refresh(connection.info().id(), new Principal("alice", JOBS_ONLY, Instant.parse("2026-01-01T01:00:00Z")));
        time.advance(Duration.ofMinutes(20));
        hub.publish("jobs", "t", "after");

        assertThat(sink.closed).isFalse();
        assertThat(dataOf(sink)).containsExactly("after");
        time.advance(Duration.ofMinutes(31));
        assertThat(sink.closed).isTrue();
        assertThat(time.pending()).isEqualTo(1); // only the heartbeat is left
    }

    @Test
    void aRefreshThatGrantsLessDropsThoseChannelsAndSaysWhich() {
        RecordingSink sink = new RecordingSink();
        Grants more = new Grants(List.of("jobs", "payroll"), List.of(), false);
        Connection connection = connect(Principal.of("alice", more), sink, "jobs", "payroll");

        Set<String> now = hub.refresh(connection.info().id(), Principal.of("alice", JOBS_ONLY));
        hub.publish("payroll", "t", "1");
        hub.publish("jobs", "t", "2");

        assertThat(now).containsExactly("jobs");
        assertThat(sink.text()).contains("event: revoked\ndata: {\"channels\":[\"payroll\"]}\n\n");
        assertThat(dataOf(sink)).containsExactly("2");
    }

    @Test
    void onlyTheSameUserMayRefreshAConnection() {
        Connection connection = connect(Principal.of("alice", JOBS_ONLY), new RecordingSink(), "jobs");

        assertThatThrownBy(() -> hub.refresh(connection.info().id(), Principal.of("mallory", Grants.all())))
                .isInstanceOfSatisfying(
                        SsemuxException.class, e -> assertThat(e.kind()).isEqualTo(SsemuxException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> hub.refresh("nope", Principal.of("alice", JOBS_ONLY)))
                .isInstanceOfSatisfying(
                        SsemuxException.class, e -> assertThat(e.kind()).isEqualTo(SsemuxException.Kind.NOT_FOUND));
    }
}
