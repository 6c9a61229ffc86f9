package io.ssemux.bench;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator's command line: {@code load} runs a scenario against a server, {@code soak} a
 * long mixed and hostile load that watches the server's memory, {@code jmh} runs
 * the microbenchmarks (JMH's own options follow it), {@code worker} is a share of {@code load} in a
 * child process.
 */
@Command(
        name = "ssemux-bench",
        mixinStandardHelpOptions = true,
        version = "ssemux-bench 0.1.0",
        description = "Load generator and microbenchmarks of ssemux (and of other SSE servers, for comparison).",
        subcommands = {LoadCommand.class, SoakCommand.class, WorkerCommand.class})
public final class Main {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }
}
