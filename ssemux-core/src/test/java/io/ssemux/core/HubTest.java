package io.ssemux.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.testing.ManualScheduler;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubTest {
    private final ManualScheduler time = new ManualScheduler();
    private final List<Hub> hubs = new ArrayList<>();

    @AfterEach
    void closeHubs() {
        hubs.forEach(Hub::close);
    }

    private Hub hub(HubBuilder builder) {
        Hub hub = builder.clock(time.clock()).scheduler(time).build();
        hubs.add(hub);
        return hub;
    }

    private Hub hub() {
        return hub(Hub.builder());
    }

    private static Connection connect(Hub hub, String user, RecordingSink sink, String... channels) {
        return hub.connect(
                new ConnectRequest(
                        Principal.of(user, Grants.all()), List.of(channels), Format.PLAIN, null, "127.0.0.1"),
                sink);
    }

    @Test
    void opensWithRetryAndConnectedCarryingTheConnectionId() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        Connection connection = connect(hub, "alice", sink, "jobs", "pending-changes");

        assertThat(sink.text())
                .isEqualTo("retry: 3000\nevent: connected\ndata: {\"connectionId\":\""
                        + connection.info().id()
                        + "\",\"channels\":[\"jobs\",\"pending-changes\"],\"heartbeatSeconds\":30}\n\n");
    }

    @Test
    void routesEventsOnlyToSubscribersOfTheirChannelOrAll() {
        Hub hub = hub();
        RecordingSink jobs = new RecordingSink();
        RecordingSink pending = new RecordingSink();
        RecordingSink all = new RecordingSink();
        connect(hub, "a", jobs, "jobs");
        connect(hub, "b", pending, "pending-changes");
        connect(hub, "c", all, "all");

        assertThat(hub.publish("jobs", "job_completed", "{\"id\":1}").delivered())
                .isEqualTo(2);
        assertThat(hub.publish("pending-changes", "manifest_changed", "{}").delivered())
                .isEqualTo(2);

        assertThat(jobs.types()).containsExactly("connected", "job_completed");
        assertThat(pending.types()).containsExactly("connected", "manifest_changed");
        assertThat(all.types()).containsExactly("connected", "job_completed", "manifest_changed");
    }

    @Test
    void encodesAnEventOnceForAllItsSubscribers() {
        Hub hub = hub();
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        connect(hub, "a", first, "jobs");
        connect(hub, "b", second, "all");

        hub.publish("jobs", "job_completed", "{}");

        assertThat(first.sent.get(1)).isSameAs(second.sent.get(1));
        assertThat(first.flushed).hasSize(2);
    }

    @Test
    void deliversAConnectionSubscribedToAllAndAChannelOnlyOnce() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        connect(hub, "a", sink, "all", "jobs");

        assertThat(hub.publish("jobs", "t", "{}").delivered()).isEqualTo(1);
        assertThat(sink.types()).containsExactly("connected", "t");
    }

    @Test
    void wrapsDataInAnEnvelopeForEnvelopeConnections() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        hub.connect(
                new ConnectRequest(
                        Principal.of("a", Grants.all()), List.of("jobs"), Format.ENVELOPE, null, "127.0.0.1"),
                sink);

        String id = hub.publish("jobs", "job_completed", "{\"id\":1}").id();

        assertThat(sink.sent.get(1).toString())
                .isEqualTo("id: " + id
                        + "\ndata: {\"channel\":\"jobs\",\"type\":\"job_completed\",\"data\":{\"id\":1}}\n\n");
    }

    @Test
    void subscriptionsBelongToTheConnectionNotTheUser() {
        Hub hub = hub();
        RecordingSink tab1 = new RecordingSink();
        RecordingSink tab2 = new RecordingSink();
        connect(hub, "alice", tab1, "jobs");
        connect(hub, "alice", tab2, "pending-changes");

        hub.publish("jobs", "job_completed", "{}");

        assertThat(tab1.types()).containsExactly("connected", "job_completed");
        assertThat(tab2.types()).containsExactly("connected");
    }

    @Test
    void changesSubscriptionsOfALiveConnection() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        Connection connection = connect(hub, "alice", sink, "jobs");

        Set<String> now =
                hub.updateSubscriptions("alice", connection.info().id(), List.of("pending-changes"), List.of("jobs"));
        hub.publish("jobs", "job_completed", "{}");
        hub.publish("pending-changes", "manifest_changed", "{}");

        assertThat(now).containsExactly("pending-changes");
        assertThat(sink.types()).containsExactly("connected", "manifest_changed");
        assertThat(hub.top(10).channels()).containsExactly(new HubTop.Entry("pending-changes", 1));
        assertThat(hub.subscribersOf("jobs")).isZero();
    }

    @Test
    void refusesSubscriptionChangesOfAnotherUsersOrAnUnknownConnection() {
        Hub hub = hub();
        Connection connection = connect(hub, "alice", new RecordingSink(), "jobs");

        assertThatThrownBy(() ->
                        hub.updateSubscriptions("mallory", connection.info().id(), List.of("x"), List.of()))
                .isInstanceOf(SsemuxException.class)
                .extracting(e -> ((SsemuxException) e).kind())
                .isEqualTo(SsemuxException.Kind.FORBIDDEN);
        assertThatThrownBy(() -> hub.updateSubscriptions("alice", "nope", List.of("x"), List.of()))
                .extracting(e -> ((SsemuxException) e).kind())
                .isEqualTo(SsemuxException.Kind.NOT_FOUND);
        assertThatThrownBy(
                        () -> hub.updateSubscriptions("alice", connection.info().id(), List.of("x"), List.of("x")))
                .extracting(e -> ((SsemuxException) e).kind())
                .isEqualTo(SsemuxException.Kind.BAD_REQUEST);
        assertThat(connection.info().channels()).containsExactly("jobs");
    }

    @Test
    void refusesMoreChannelsThanTheLimitWithoutChangingAnything() {
        Hub hub = hub(Hub.builder().maxChannels(2));
        Connection connection = connect(hub, "alice", new RecordingSink(), "a");

        assertThatThrownBy(() -> connect(hub, "bob", new RecordingSink(), "a", "b", "c"))
                .hasMessageContaining("expected: at most 2");
        assertThatThrownBy(
                        () -> hub.updateSubscriptions("alice", connection.info().id(), List.of("b", "c"), List.of()))
                .hasMessageContaining("expected: at most 2");
        assertThat(connection.info().channels()).containsExactly("a");
        assertThat(hub.stats().connections()).isEqualTo(1);
    }

    @Test
    void evictsTheOldestConnectionOfAUserBeyondTheCap() {
        Hub hub = hub(Hub.builder().maxConnectionsPerUser(2));
        RecordingSink oldest = new RecordingSink();
        RecordingSink middle = new RecordingSink();
        RecordingSink newest = new RecordingSink();
        RecordingSink otherUser = new RecordingSink();
        connect(hub, "alice", oldest, "jobs");
        connect(hub, "bob", otherUser, "jobs");
        connect(hub, "alice", middle, "jobs");
        connect(hub, "alice", newest, "jobs");

        assertThat(oldest.closed).isTrue();
        assertThat(oldest.farewell.toString())
                .isEqualTo("event: evicted\ndata: {\"reason\":\"too_many_connections\",\"limit\":2}\n\n");
        assertThat(middle.closed).isFalse();
        assertThat(otherUser.closed).isFalse();
        assertThat(hub.publish("jobs", "t", "{}").delivered()).isEqualTo(3);
        HubStats stats = hub.stats();
        assertThat(hub.connectionsOf("alice")).isEqualTo(2);
        assertThat(hub.connectionsOf("bob")).isEqualTo(1);
        assertThat(stats.users()).isEqualTo(2);
        assertThat(stats.connectionsEvicted()).isEqualTo(1);
    }

    @Test
    void refusesConnectionsBeyondTheGlobalCapWithRetryAfter() {
        Hub hub = hub(Hub.builder().maxConnections(2));
        connect(hub, "a", new RecordingSink(), "jobs");
        connect(hub, "b", new RecordingSink(), "jobs");

        assertThatThrownBy(() -> connect(hub, "c", new RecordingSink(), "jobs"))
                .isInstanceOfSatisfying(SsemuxException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SsemuxException.Kind.UNAVAILABLE);
                    assertThat(e.retryAfter()).isPositive();
                });
        assertThat(hub.stats().connections()).isEqualTo(2);
    }

    @Test
    void leavesEveryIndexWhenAConnectionCloses() {
        Hub hub = hub();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            connections.add(connect(hub, "user" + (i % 3), new RecordingSink(), "jobs", "c" + i));
        }
        connections.forEach(c -> c.closed(CloseReason.CLIENT_GONE));
        connections.forEach(c -> c.closed(CloseReason.CLIENT_GONE)); // idempotent

        HubStats stats = hub.stats();
        assertThat(stats.connections()).isZero();
        assertThat(stats.users()).isZero();
        assertThat(stats.channels()).isZero();
        assertThat(hub.top(100)).isEqualTo(new HubTop(List.of(), List.of()));
        assertThat(stats.connectionsClosed()).isEqualTo(20);
        assertThat(((DefaultHub) hub).indexedConnections()).isZero();
    }

    @Test
    void replaysMissedEventsBeforeLiveOnes() {
        Hub hub = hub();
        String cursor = hub.publish("jobs", "t", "0").id();
        hub.publish("jobs", "t", "1");
        hub.publish("other", "t", "x");
        hub.publish("jobs", "t", "2");
        RecordingSink sink = new RecordingSink();
        hub.connect(
                new ConnectRequest(Principal.of("a", Grants.all()), List.of("jobs"), Format.PLAIN, cursor, "127.0.0.1"),
                sink);
        hub.publish("jobs", "t", "3");

        assertThat(sink.text())
                .contains("data: 1\n", "data: 2\n", "data: 3\n")
                .doesNotContain("data: 0\n", "data: x\n");
        assertThat(sink.text().indexOf("data: 1")).isLessThan(sink.text().indexOf("data: 2"));
        assertThat(sink.text().indexOf("data: 2")).isLessThan(sink.text().indexOf("data: 3"));
        assertThat(hub.stats().eventsDelivered()).isEqualTo(3);
    }

    @Test
    void sendsResetWithTheHeadIdWhenTheIdIsTooOld() {
        Hub hub = hub(Hub.builder().history(2, Duration.ofMinutes(5)));
        String cursor = hub.publish("jobs", "t", "0").id();
        hub.publish("jobs", "t", "1");
        hub.publish("jobs", "t", "2");
        String head = hub.publish("jobs", "t", "3").id();
        RecordingSink sink = new RecordingSink();
        hub.connect(
                new ConnectRequest(Principal.of("a", Grants.all()), List.of("jobs"), Format.PLAIN, cursor, "127.0.0.1"),
                sink);

        assertThat(sink.types()).containsExactly("connected", "reset");
        assertThat(sink.text())
                .endsWith("id: " + head + "\nevent: reset\ndata: {\"reason\":\"too_old\",\"lastEventId\":\"" + cursor
                        + "\"}\n\n");
    }

    @Test
    void pausesTheReplayWhileTheSinkIsFullAndQueuesLiveEventsBehindIt() {
        Hub hub = hub();
        String cursor = hub.publish("jobs", "t", "0").id();
        hub.publish("jobs", "t", "1");
        hub.publish("jobs", "t", "2");
        RecordingSink sink = new RecordingSink();
        sink.writable = false;
        Connection connection = hub.connect(
                new ConnectRequest(Principal.of("a", Grants.all()), List.of("jobs"), Format.PLAIN, cursor, "127.0.0.1"),
                sink);
        hub.publish("jobs", "t", "3");
        assertThat(sink.types()).containsExactly("connected");
        assertThat(sink.closed).isFalse();

        sink.writable = true;
        connection.writable();
        hub.publish("jobs", "t", "4");

        assertThat(sink.text()).containsSubsequence("data: 1\n", "data: 2\n", "data: 3\n", "data: 4\n");
    }

    @Test
    void cutsALiveConnectionThatIsNotWritableAsASlowConsumer() {
        Hub hub = hub();
        RecordingSink slow = new RecordingSink();
        RecordingSink fast = new RecordingSink();
        connect(hub, "a", slow, "jobs");
        connect(hub, "b", fast, "jobs");
        slow.writable = false;

        hub.publish("jobs", "t", "1");
        hub.publish("jobs", "t", "2");

        assertThat(slow.closed).isTrue();
        assertThat(fast.types()).containsExactly("connected", "t", "t");
        HubStats stats = hub.stats();
        assertThat(stats.slowConsumerDisconnects()).isEqualTo(1);
        assertThat(stats.eventsDropped()).isEqualTo(1);
        assertThat(stats.connections()).isEqualTo(1);
    }

    @Test
    void aStreamWhoseTransportClosedItIsGoneNotASlowConsumer() {
        List<CloseReason> reasons = new ArrayList<>();
        Hub hub = hub(Hub.builder().listener(new HubListener() {
            @Override
            public void closed(ConnectionInfo connection, CloseReason reason) {
                reasons.add(reason);
            }
        }));
        RecordingSink reset = new RecordingSink();
        Connection connection = connect(hub, "a", reset, "jobs");
        // The client reset the connection: the transport closed it, and its report has not reached the hub yet.
        reset.writable = false;
        reset.open = false;

        hub.publish("jobs", "t", "1");
        connection.closed(CloseReason.CLIENT_GONE); // the report, late

        assertThat(reasons).containsExactly(CloseReason.CLIENT_GONE);
        HubStats stats = hub.stats();
        assertThat(stats.slowConsumerDisconnects()).isZero();
        assertThat(stats.eventsDropped()).isZero();
        assertThat(stats.connections()).isZero();
    }

    @Test
    void opensAStreamWithoutChannelsThatLaterSubscribes() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        Connection connection = hub.connect(
                new ConnectRequest(Principal.of("a", Grants.all()), List.of(), Format.PLAIN, null, "127.0.0.1"), sink);
        assertThat(hub.publish("jobs", "t", "{}").delivered()).isZero();

        hub.updateSubscriptions("a", connection.info().id(), List.of("jobs"), List.of());

        assertThat(hub.publish("jobs", "t", "{}").delivered()).isEqualTo(1);
        assertThat(sink.text()).contains("\"channels\":[]");
    }

    @Test
    void sendsHeartbeatEventsToEnvelopeStreamsSoBrowsersSeeThem() {
        Hub hub = hub(Hub.builder().heartbeat(Duration.ofSeconds(30)));
        RecordingSink sink = new RecordingSink();
        hub.connect(
                new ConnectRequest(
                        Principal.of("a", Grants.all()), List.of("jobs"), Format.ENVELOPE, null, "127.0.0.1"),
                sink);

        time.advance(Duration.ofSeconds(30));

        assertThat(sink.text()).endsWith("event: heartbeat\ndata: {}\n\n").doesNotContain("\n: heartbeat");
    }

    @Test
    void sendsOneHeartbeatPerIntervalAndNoneBefore() {
        Hub hub = hub(Hub.builder().heartbeat(Duration.ofSeconds(30)));
        RecordingSink sink = new RecordingSink();
        connect(hub, "a", sink, "jobs");

        time.advance(Duration.ofSeconds(29));
        assertThat(heartbeats(sink)).isZero();
        time.advance(Duration.ofSeconds(1));
        assertThat(heartbeats(sink)).isEqualTo(1);
        time.advance(Duration.ofSeconds(90));
        assertThat(heartbeats(sink)).isEqualTo(4);
    }

    @Test
    void stopsHeartbeatsWhenClosed() {
        Hub hub = hub(Hub.builder().heartbeat(Duration.ofSeconds(30)));
        connect(hub, "a", new RecordingSink(), "jobs");

        hub.close();

        assertThat(time.pending()).isZero();
    }

    @Test
    void expiresHistoryPastItsAgeOnTheHeartbeatEvenWithoutPublishes() {
        Hub hub = hub(Hub.builder().heartbeat(Duration.ofSeconds(30)).history(100, Duration.ofMinutes(1)));
        hub.publish("jobs", "t", "1");
        assertThat(hub.stats().history().events()).isEqualTo(1);

        time.advance(Duration.ofSeconds(60));
        assertThat(hub.stats().history().events()).isEqualTo(1);
        time.advance(Duration.ofSeconds(30));
        assertThat(hub.stats().history().events()).isZero();
    }

    private static int heartbeats(RecordingSink sink) {
        return sink.text().split(": heartbeat\n\n", -1).length - 1;
    }

    @Test
    void refusesBadEventsWithoutPublishingAnything() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        connect(hub, "a", sink, "all");

        assertThatThrownBy(() -> hub.publish("jobs\nevent: x", "t", "{}")).isInstanceOf(SsemuxException.class);
        assertThatThrownBy(() -> hub.publish("jobs", "t\r\ndata: forged", "{}")).isInstanceOf(SsemuxException.class);
        assertThatThrownBy(() -> hub.publish("jobs", "connected", "{}")).isInstanceOf(SsemuxException.class);
        assertThatThrownBy(() -> hub.publish("jobs", "t", null)).isInstanceOf(SsemuxException.class);

        assertThat(sink.types()).containsExactly("connected");
        assertThat(hub.stats().eventsPublished()).isZero();
    }

    @Test
    void endsEveryStreamOnClose() {
        Hub hub = hub();
        RecordingSink sink = new RecordingSink();
        connect(hub, "a", sink, "jobs");
        hub.close();
        hub.close();

        assertThat(sink.closed).isTrue();
        assertThat(hub.stats().connections()).isZero();
        assertThatThrownBy(() -> hub.publish("jobs", "t", "{}"))
                .extracting(e -> ((SsemuxException) e).kind())
                .isEqualTo(SsemuxException.Kind.UNAVAILABLE);
    }
}
