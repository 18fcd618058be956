package io.overlay4j.cli;

import io.overlay4j.MountInfo;
import io.overlay4j.Mounts;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code list}: the overlay mounts this process sees, one row each, paths escaped as mountinfo has them. */
final class ListCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: list [-v]",
            "",
            "Lists the overlay mounts this process sees (from /proc/self/mountinfo), paths with",
            "control bytes, space and '\\' as octal escapes (\\012, \\040, \\134) as mountinfo has them.",
            "  -v  also list every layer, top first",
            "");

    @Override
    public List<String> names() {
        return Arrays.asList("list");
    }

    @Override
    public String summary() {
        return "list overlay mounts";
    }

    @Override
    public int run(List<String> args, Console console) throws Exception {
        OptionScanner scan = new OptionScanner(args, "");
        boolean verbose = false;
        while (scan.next()) {
            String option = String.valueOf(scan.option());
            if (option.equals("-h") || option.equals("--help")) {
                console.out.print(HELP);
                return Main.OK;
            } else if (option.equals("-v") || option.equals("--verbose")) {
                verbose = true;
            } else if (option.equals("--debug")) {
                console.debug = true;
            } else {
                throw new UsageException("unexpected '" + (scan.option() != null ? option : scan.value())
                        + "'; try list --help");
            }
        }
        console.out.printf("%-6s %-40s %6s  %s%n", "ID", "TARGET", "LAYERS", "UPPERDIR");
        for (MountInfo m : Mounts.overlays()) {
            Arguments.println(console.out, String.format(Locale.ROOT, "%-6d %-40s %6d  %s", m.mountId(),
                    Arguments.field(m.target()), m.lowerdirs().size() + m.datadirs().size(),
                    m.upperdir().isPresent() ? Arguments.field(m.upperdir().get()) : "-"));
            if (verbose) {
                layers(console, m);
            }
        }
        return Main.OK;
    }

    private static void layers(Console console, MountInfo m) {
        for (int i = 0; i < m.lowerdirs().size(); i++) {
            Arguments.println(console.out, "       lowerdir " + (i + 1) + ": " + Arguments.field(m.lowerdirs().get(i)));
        }
        for (int i = 0; i < m.datadirs().size(); i++) {
            Arguments.println(console.out, "       datadir " + (i + 1) + ": " + Arguments.field(m.datadirs().get(i)));
        }
        if (m.workdir().isPresent()) {
            Arguments.println(console.out, "       workdir: " + Arguments.field(m.workdir().get()));
        }
        console.out.println("       options: " + m.options());
    }
}
