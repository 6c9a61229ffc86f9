package io.ssemux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Debian Chromium driven by playwright-core from a node process
 * ({@code clients/js/test/browser/spring-page.js}), one page at a time: what the browser client
 * does against the starter, in a real browser. The process is started once per test class and
 * speaks JSON lines: commands on its stdin, answers and what the page saw on its stdout, read by a
 * reader thread. Without node, the npm packages or chromium the tests are skipped, unless
 * {@value #REQUIRED_VARIABLE}{@code =required} (as {@code scripts/test} sets it) makes that a failure.
 *
 * <p>Not thread-safe: one test thread drives it; the reader threads only append to thread-safe
 * collections.
 */
final class Chromium implements AutoCloseable {
    static final String REQUIRED_VARIABLE = "SSEMUX_BROWSER_TESTS";
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_CHARS = 8 * 1024;
    /** Answers every wait once node's stdout has ended. */
    private static final JsonNode EXITED = JSON.createObjectNode().put("kind", "exited");

    private final Process node;
    private final Writer commands;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    /** node's stderr and any stdout line that is not JSON, its last {@value #LOG_CHARS} chars. Guarded by itself. */
    private final StringBuilder log = new StringBuilder();

    private final AtomicInteger ids = new AtomicInteger();
    private volatile Page page;

    private Chromium(Process node) {
        this.node = node;
        this.commands = node.outputWriter(StandardCharsets.UTF_8);
        read(node.getInputStream(), "chromium-stdout", this::onLine, () -> answers.add(EXITED));
        read(node.getErrorStream(), "chromium-stderr", this::log, () -> {});
    }

    /**
     * Starts node and its Chromium; a test calling it is skipped (failed when required) if node 20+,
     * clients/js/node_modules or chromium are missing.
     */
    static Chromium start() {
        Path clientDir = Path.of(System.getProperty("ssemux.clients.js", "../clients/js"));
        String missing = missing(clientDir);
        if (missing != null) {
            String message = "the Chromium tests need " + missing
                    + ": run clients/js/scripts/install-browser.sh (npm ci, apt-get install chromium), or ./scripts/test";
            if ("required".equals(System.getenv(REQUIRED_VARIABLE))) {
                throw new AssertionError(message + " (" + REQUIRED_VARIABLE + "=required)");
            }
            Assumptions.abort(message);
        }
        Process node;
        try {
            node = new ProcessBuilder("node", "test/browser/spring-page.js")
                    .directory(clientDir.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Chromium chromium = new Chromium(node);
        try {
            JsonNode first = chromium.answer();
            if (!first.path("kind").asText().equals("launched")) {
                throw new AssertionError("node's first answer: " + first + "; its log:\n" + chromium.log());
            }
        } catch (RuntimeException | AssertionError e) {
            chromium.close();
            throw e;
        }
        return chromium;
    }

    /** What the tests lack, in words, or {@code null}. */
    private static String missing(Path clientDir) {
        List<String> missing = new ArrayList<>();
        int major = nodeMajorVersion();
        if (major < 20) {
            missing.add(major < 0 ? "node (Node.js 20+) on the PATH" : "Node.js 20+ (node is " + major + ")");
        }
        if (!Files.isDirectory(clientDir.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core in " + clientDir.resolve("node_modules") + " (npm ci)");
        }
        Path browser = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
        if (!Files.isExecutable(browser)) {
            missing.add("Debian's chromium at " + browser);
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    /** The major version of {@code node --version}, or -1 when node does not run. */
    private static int nodeMajorVersion() {
        try {
            Process version = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!version.waitFor(10, TimeUnit.SECONDS) || version.exitValue() != 0) {
                version.destroyForcibly();
                return -1;
            }
            Matcher matcher = Pattern.compile("^v(\\d+)\\.").matcher(text.trim());
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Opens {@code url} in a new browser context signed in as {@code user} (HTTP Basic), closing the
     * previous page; returns once the page has loaded.
     */
    Page open(String url, String user, String password) {
        Page opened = new Page();
        page = opened;
        ObjectNode command = command("open");
        command.put("url", url).put("username", user).put("password", password);
        run(command);
        return opened;
    }

    private ObjectNode command(String op) {
        return JSON.createObjectNode().put("op", op).put("id", ids.incrementAndGet());
    }

    /** Sends {@code command} and waits for node's answer; fails with node's log if it failed. */
    private void run(ObjectNode command) {
        try {
            commands.write(command.toString() + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new AssertionError("node is gone; its log:\n" + log(), e);
        }
        JsonNode answer = answer();
        assertThat(answer.path("id").asInt())
                .as("the id of node's answer")
                .isEqualTo(command.get("id").asInt());
        assertThat(answer.path("kind").asText())
                .as("%s: %s", command.get("op").asText(), answer.path("message").asText())
                .isEqualTo("done");
    }

    private JsonNode answer() {
        try {
            JsonNode answer = answers.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new AssertionError("node did not answer within " + WAIT + "; its log:\n" + log());
            }
            if (answer.path("kind").asText().equals("exited")) {
                answers.add(EXITED);
                throw new AssertionError("node exited; its log:\n" + log());
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One line of node's stdout, on the reader thread. */
    private void onLine(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException notJson) {
            log(line);
            return;
        }
        switch (message.path("kind").asText()) {
            case "launched", "done", "failed" -> answers.add(message);
            default -> {
                Page current = page;
                if (current != null) {
                    current.seen.add(message);
                }
            }
        }
    }

    private void log(String line) {
        synchronized (log) {
            log.append(line).append('\n');
            if (log.length() > LOG_CHARS) {
                log.delete(0, log.length() - LOG_CHARS);
            }
        }
    }

    private String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Reads {@code in} line by line on a thread of its own, then runs {@code end}. */
    private static void read(InputStream in, String name, Consumer<String> lines, Runnable end) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lineReader =
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lineReader.readLine()) != null) {
                            lines.accept(line);
                        }
                    } catch (IOException e) {
                        // node is gone
                    } finally {
                        end.run();
                    }
                },
                name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Ends node (it closes Chromium when its stdin ends), forcibly with Chromium if it takes too long. */
    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // node is gone already
        }
        try {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    /**
     * The open page: what it reported (its client's {@code event}s and {@code state}s), its requests
     * to {@code /api/sse/stream} and their outcomes, its console. Closing it closes its browser
     * context, and with it the page's connections.
     */
    final class Page implements AutoCloseable {
        private final List<JsonNode> seen = new CopyOnWriteArrayList<>();

        /** What the page saw of {@code kind}, in order. */
        List<JsonNode> seen(String kind) {
            return seen.stream()
                    .filter(m -> m.path("kind").asText().equals(kind))
                    .toList();
        }

        /** The events the page's handler got, in order: {@code {channel, type, id, data}}. */
        List<JsonNode> events() {
            return seen("event");
        }

        /** The client's states, in order. */
        List<String> states() {
            return seen("state").stream().map(m -> m.get("state").asText()).toList();
        }

        /** The statuses of the stream requests answered so far, in order. */
        List<Integer> streamStatuses() {
            return seen("response").stream().map(m -> m.get("status").asInt()).toList();
        }

        /** The texts of the console's messages of {@code type} ({@code warning}, {@code error}, …). */
        List<String> console(String type) {
            return seen("console").stream()
                    .filter(m -> m.path("type").asText().equals(type))
                    .map(m -> m.path("text").asText())
                    .toList();
        }

        /** Waits until the client's latest state is {@code state}. */
        void awaitState(String state) {
            await().atMost(WAIT).until(() -> {
                List<String> states = states();
                return !states.isEmpty() && states.get(states.size() - 1).equals(state);
            });
        }

        /** Subscribes the page to {@code channels} too. */
        void subscribe(String... channels) {
            ObjectNode command = command("subscribe");
            ArrayNode list = command.putArray("channels");
            for (String channel : channels) {
                list.add(channel);
            }
            run(command);
        }

        @Override
        public void close() {
            if (page == this && node.isAlive()) {
                run(command("close"));
                page = null;
            }
        }
    }
}
