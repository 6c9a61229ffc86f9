package io.ssemux.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A share of a {@code load} run in a child process (so a run can hold more streams than one
 * process may have open files). Speaks on its standard streams: each line {@code report} read is
 * answered with a {@link Report} as one JSON line, {@code finish} with the final one, after which
 * the worker exits. It also exits when its input ends or its lifetime is over.
 */
@Command(name = "worker", hidden = true, description = "A share of a load run (started by 'load --processes').")
final class WorkerCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--spec", required = true, description = "The share, as JSON.")
    String spec;

    @Override
    public Integer call() throws Exception {
        ShareSpec share = JSON.readValue(spec, ShareSpec.class);
        // Standard output carries the reports only: anything else printed (logs) goes to standard error.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        ScheduledExecutorService deadline = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-deadline");
            t.setDaemon(true);
            return t;
        });
        deadline.schedule(
                () -> {
                    System.err.println("worker: lifetime of " + share.lifetimeSeconds() + " s over, exiting");
                    Runtime.getRuntime().halt(3);
                },
                share.lifetimeSeconds(),
                TimeUnit.SECONDS);
        StreamClients clients = new StreamClients(share).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("report")) {
                    out.println(JSON.writeValueAsString(clients.counters().report(false)));
                } else if (line.equals("finish")) {
                    clients.close();
                    out.println(JSON.writeValueAsString(clients.counters().report(true)));
                    return 0;
                }
            }
        } finally {
            clients.close();
        }
        return 0;
    }
}
