package io.overlay4j.cli;

import io.overlay4j.ErrnoException;
import io.overlay4j.MountInfo;
import io.overlay4j.Mounts;
import io.overlay4j.internal.Errno;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar overlay4j.jar mount|umount|demo ...}. Errors print one line to
 * stderr and exit with a code per kind of failure.
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int PERMISSION = 4;
    public static final int BUSY = 5;

    private static final String USAGE_TEXT = String.join("\n",
            "usage: java -jar overlay4j.jar COMMAND [ARGS]",
            "",
            "commands:",
            "  mount   mount an overlay           (mount --help)",
            "  umount  unmount mount points       (umount --help)",
            "  list    list overlay mounts        (list --help)",
            "  demo    the union-filesystem walkthrough, narrated (demo --help)",
            "",
            "global options (before COMMAND): --debug  show stack traces of errors",
            "                                 --version  print overlay4j's version",
            "exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied, 5 busy",
            "");

    private final PrintStream out;
    private final PrintStream err;
    private boolean debug;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err).run(args));
    }

    int run(String[] argv) {
        try {
            List<String> args = new ArrayList<>(Arguments.of(argv));
            // Global options come before the command; a command takes --debug among its own.
            while (!args.isEmpty() && args.get(0).equals("--debug")) {
                debug = true;
                args.remove(0);
            }
            if (args.isEmpty()) {
                err.print(USAGE_TEXT);
                return USAGE;
            }
            String command = args.remove(0);
            switch (command) {
                case "--help":
                case "-h":
                case "help":
                    out.print(USAGE_TEXT);
                    return OK;
                case "--version":
                case "-V":
                    return version();
                case "mount":
                    MountCommand mount = MountCommand.parse(args);
                    debug |= mount.debug;
                    return mount.run(out);
                case "umount":
                case "unmount":
                    UmountCommand umount = UmountCommand.parse(args);
                    debug |= umount.debug;
                    return umount.run(out, err, this::report);
                case "list":
                    return list(args);
                case "demo":
                    Demo demo = new Demo(out);
                    try {
                        return demo.run(args);
                    } finally {
                        debug |= demo.debug;
                    }
                default:
                    throw new UsageException("unknown command '" + command + "'; try --help");
            }
        } catch (UsageException e) {
            err.println("overlay4j: " + e.getMessage());
            return USAGE;
        } catch (UnsatisfiedLinkError e) {
            // The shim could not be loaded; its message already says why and what to set.
            err.println(oneLine(String.valueOf(e.getMessage())));
            if (debug) {
                e.printStackTrace(err);
            }
            return FAILED;
        } catch (Exception e) {
            return report(e);
        }
    }

    /** Prints a failure as one line (and the stack trace with --debug); returns its exit code. */
    private int report(Exception e) {
        err.println("overlay4j: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
        if (debug) {
            e.printStackTrace(err);
        }
        return exitCode(e);
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    static int exitCode(Exception e) {
        if (e instanceof NoSuchFileException) {
            return NOT_FOUND;
        }
        if (e instanceof AccessDeniedException) {
            return PERMISSION;
        }
        if (e instanceof ErrnoException && ((ErrnoException) e).errno() == Errno.EBUSY) {
            return BUSY;
        }
        return FAILED;
    }

    private int version() {
        out.print(versionLine());
        return OK;
    }

    /** "overlay4j VERSION\n", the version from the jar's manifest. */
    static String versionLine() {
        String version = Main.class.getPackage().getImplementationVersion();
        return "overlay4j " + (version != null ? version : "(version unknown: not run from its jar)") + "\n";
    }

    static final String LIST_HELP = String.join("\n",
            "usage: list [-v]",
            "",
            "Lists the overlay mounts this process sees (from /proc/self/mountinfo), paths with",
            "control bytes, space and '\\' as octal escapes (\\012, \\040, \\134) as mountinfo has them.",
            "  -v  also list every layer, top first",
            "");

    private int list(List<String> args) throws Exception {
        OptionScanner scan = new OptionScanner(args, "");
        boolean verbose = false;
        while (scan.next()) {
            String option = String.valueOf(scan.option());
            if (option.equals("-h") || option.equals("--help")) {
                out.print(LIST_HELP);
                return OK;
            } else if (option.equals("-v") || option.equals("--verbose")) {
                verbose = true;
            } else if (option.equals("--debug")) {
                debug = true;
            } else {
                throw new UsageException("unexpected '" + (scan.option() != null ? option : scan.value())
                        + "'; try list --help");
            }
        }
        out.printf("%-6s %-40s %6s  %s%n", "ID", "TARGET", "LAYERS", "UPPERDIR");
        for (MountInfo m : Mounts.overlays()) {
            Arguments.println(out, String.format(Locale.ROOT, "%-6d %-40s %6d  %s", m.mountId(),
                    Arguments.field(m.target()), m.lowerdirs().size() + m.datadirs().size(),
                    m.upperdir().isPresent() ? Arguments.field(m.upperdir().get()) : "-"));
            if (verbose) {
                for (int i = 0; i < m.lowerdirs().size(); i++) {
                    Arguments.println(out, "       lowerdir " + (i + 1) + ": " + Arguments.field(m.lowerdirs().get(i)));
                }
                for (int i = 0; i < m.datadirs().size(); i++) {
                    Arguments.println(out, "       datadir " + (i + 1) + ": " + Arguments.field(m.datadirs().get(i)));
                }
                if (m.workdir().isPresent()) {
                    Arguments.println(out, "       workdir: " + Arguments.field(m.workdir().get()));
                }
                out.println("       options: " + m.options());
            }
        }
        return OK;
    }
}
