package io.ssemux.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's {@code main} in a child JVM, as a user runs it; its output is collected line by line. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("listening on https?:\\\\?/\\\\?/[^:]+:(\\d+)"); // JSON logs escape '/'

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                            unread.add(line);
                        }
                    } catch (IOException e) {
                        // The process ended.
                    }
                },
                "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ServerProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return start(command, env);
    }

    /** Runs {@code command} (the launcher script, say) with {@code env} added to a clean environment. */
    static ServerProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().keySet().removeIf(k -> k.startsWith("SSEMUX_"));
        builder.environment().putAll(env);
        return new ServerProcess(builder.start());
    }

    /** Waits for the line that says which port it bound. */
    int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String line = unread.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive() && unread.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("the server did not say it was listening; output: " + lines);
    }

    Process process() {
        return process;
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not exit within " + bound + "; output: " + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
