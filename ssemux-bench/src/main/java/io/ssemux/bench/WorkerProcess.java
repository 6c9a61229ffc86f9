package io.ssemux.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A share of the streams in a child JVM running {@link WorkerCommand}, with this process's class path. */
final class WorkerProcess implements Share {
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader reports;
    private Report last;

    WorkerProcess(ShareSpec spec, List<String> jvmOptions) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--spec"));
        try {
            command.add(WorkerCommand.JSON.writeValueAsString(spec));
            process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process", e);
        }
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        reports = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public Report report() {
        return ask("report");
    }

    @Override
    public Report finish() {
        if (last == null) {
            last = ask("finish");
            close();
        }
        return last;
    }

    private Report ask(String command) {
        commands.println(command);
        try {
            String line = reports.readLine();
            if (line == null) {
                throw new IllegalStateException("worker process " + process.pid() + " ended (exit "
                        + (process.isAlive() ? "?" : process.exitValue()) + "); see its output above");
            }
            return WorkerCommand.JSON.readValue(line, Report.class);
        } catch (IOException e) {
            throw new UncheckedIOException("worker process " + process.pid() + ": no report", e);
        }
    }

    @Override
    public void close() {
        commands.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
