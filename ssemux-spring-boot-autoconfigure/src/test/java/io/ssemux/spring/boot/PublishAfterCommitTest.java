package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssemux.core.CloseReason;
import io.ssemux.core.Format;
import io.ssemux.core.Hub;
import io.ssemux.core.SsemuxException;
import io.ssemux.core.spi.Grants;
import io.ssemux.core.spi.Principal;
import io.ssemux.core.sse.Frame;
import io.ssemux.core.transport.ConnectRequest;
import io.ssemux.core.transport.Connection;
import io.ssemux.core.transport.SseSink;
import io.ssemux.spring.SsemuxPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** A publish after commit goes out once a real (H2) transaction commits, and never when it rolls back. */
@SpringBootTest(
        classes = TestApp.class,
        properties = {
            "spring.main.web-application-type=none",
            // the app's own JSON style, which events must follow
            "spring.jackson.property-naming-strategy=SNAKE_CASE"
        })
class PublishAfterCommitTest {
    @Autowired
    Hub hub;

    @Autowired
    SsemuxPublisher publisher;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anEventPublishedInATransactionGoesOutOnlyOnceItCommits() {
        jdbc.execute("create table if not exists jobs (id int primary key)");
        long before = hub.stats().eventsPublished();

        long duringTransaction = transactions.execute(status -> {
            jdbc.update("insert into jobs values (1)");
            publisher.publishAfterCommit("jobs", "job_completed", Map.of("id", 1));
            return hub.stats().eventsPublished();
        });

        assertThat(duringTransaction).isEqualTo(before);
        assertThat(hub.stats().eventsPublished()).isEqualTo(before + 1);
    }

    @Test
    void anEventPublishedInATransactionThatRollsBackNeverGoesOut() {
        long before = hub.stats().eventsPublished();

        transactions.executeWithoutResult(status -> {
            publisher.publishAfterCommit("jobs", "job_failed", Map.of("id", 2));
            status.setRollbackOnly();
        });

        assertThat(hub.stats().eventsPublished()).isEqualTo(before);
    }

    @Test
    void withoutATransactionItPublishesAtOnce() {
        long before = hub.stats().eventsPublished();

        publisher.publishAfterCommit("jobs", "job_started", Map.of("id", 3));

        assertThat(hub.stats().eventsPublished()).isEqualTo(before + 1);
    }

    @Test
    void aBadChannelFailsTheCallerAndRollsItsTransactionBack() {
        jdbc.execute("create table if not exists jobs (id int primary key)");
        long before = hub.stats().eventsPublished();

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    jdbc.update("insert into jobs values (4)");
                    publisher.publishAfterCommit("bad channel", "job_started", Map.of("id", 4));
                }))
                .isInstanceOf(SsemuxException.class)
                .hasMessageContaining("bad channel");

        assertThat(jdbc.queryForObject("select count(*) from jobs where id = 4", Integer.class))
                .isZero();
        assertThat(hub.stats().eventsPublished()).isEqualTo(before);
    }

    @Test
    void valuesAreWrittenWithTheAppsJsonMapper() {
        record JobCompleted(int id, String fileName) {}
        List<String> frames = new CopyOnWriteArrayList<>();
        SseSink sink = new SseSink() {
            @Override
            public Executor executor() {
                return Runnable::run;
            }

            @Override
            public boolean isWritable() {
                return true;
            }

            @Override
            public void send(Frame frame) {
                frames.add(frame.toString());
            }

            @Override
            public void flush() {}

            @Override
            public void close(Frame farewell) {}
        };
        Connection connection = hub.connect(
                new ConnectRequest(Principal.of("reader", Grants.all()), List.of("jobs"), Format.PLAIN, null, "test"),
                sink);
        try {
            publisher.publish("jobs", "job_completed", new JobCompleted(5, "a.jpg"));

            assertThat(frames)
                    .anySatisfy(frame -> assertThat(frame)
                            .contains("event: job_completed\n")
                            .contains("data: {\"id\":5,\"file_name\":\"a.jpg\"}\n"));
        } finally {
            connection.closed(CloseReason.CLIENT_GONE);
        }
    }
}
