package io.overlay4j.cli;

import io.overlay4j.ErrnoException;
import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Refusal;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar overlay4j.jar mount|umount|list|diff|export|demo ...}: runs the {@link Command} the first word
 * names. Errors print one line to stderr and exit with a code per kind of failure.
 */
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int PERMISSION = 4;
    public static final int BUSY = 5;

    private static final String GLOBAL_HELP = String.join("\n",
            "",
            "global options (before COMMAND): --debug  show stack traces of errors",
            "                                 --version  print overlay4j's version",
            "exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied, 5 busy",
            "");

    private final Console console;

    Main(PrintStream out, PrintStream err) {
        this.console = new Console(out, err);
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err).run(args));
    }

    /** The subcommands, in the order the usage lists them. */
    static List<Command> commands() {
        return Arrays.asList(new MountCommand(), new UmountCommand(), new ListCommand(), new ChangesCommand(false),
                new ChangesCommand(true), new Demo());
    }

    /** "usage: ..." with one line per command, as --help prints it. */
    static String usage() {
        StringBuilder s = new StringBuilder("usage: java -jar overlay4j.jar COMMAND [ARGS]\n\ncommands:\n");
        for (Command c : commands()) {
            String name = c.names().get(0);
            s.append(String.format(Locale.ROOT, "  %-7s %-26s (%s --help)\n", name, c.summary(), name));
        }
        return s.append(GLOBAL_HELP).toString();
    }

    int run(String[] argv) {
        try {
            List<String> args = new ArrayList<>(Arguments.of(argv));
            // Global options come before the command; a command takes --debug among its own.
            while (!args.isEmpty() && args.get(0).equals("--debug")) {
                console.debug = true;
                args.remove(0);
            }
            if (args.isEmpty()) {
                console.err.print(usage());
                return USAGE;
            }
            String word = args.remove(0);
            switch (word) {
                case "--help":
                case "-h":
                case "help":
                    console.out.print(usage());
                    return OK;
                case "--version":
                case "-V":
                    console.out.print(versionLine());
                    return OK;
                default:
                    for (Command c : commands()) {
                        if (c.names().contains(word)) {
                            return c.run(args, console);
                        }
                    }
                    throw new UsageException("unknown command '" + word + "'; try --help");
            }
        } catch (UsageException e) {
            console.err.println("overlay4j: " + e.getMessage());
            return USAGE;
        } catch (UnsatisfiedLinkError e) {
            // The shim could not be loaded; its message already says why and what to set.
            console.err.println(Console.oneLine(String.valueOf(e.getMessage())));
            console.trace(e);
            return FAILED;
        } catch (Exception e) {
            return console.report(e);
        }
    }

    static int exitCode(Exception e) {
        if (e instanceof NoSuchFileException) {
            return NOT_FOUND;
        }
        if (e instanceof AccessDeniedException) {
            return PERMISSION;
        }
        int errno = errno(e);
        if (errno == 0) {
            return FAILED; // and the errno table (the shim) is not needed to say so
        }
        return errno == Errno.ENOENT ? NOT_FOUND : errno == Errno.EPERM || errno == Errno.EACCES ? PERMISSION
                : errno == Errno.EBUSY ? BUSY : FAILED;
    }

    /** The errno e carries: from the API's exceptions, or a refusal of the internals the CLI calls; else 0. */
    static int errno(Exception e) {
        return e instanceof ErrnoException ? ((ErrnoException) e).errno() : e instanceof Refusal ? ((Refusal) e).errno()
                : 0;
    }

    /** "overlay4j VERSION\n", the version from the jar's manifest. */
    static String versionLine() {
        String version = Main.class.getPackage().getImplementationVersion();
        return "overlay4j " + (version != null ? version : "(version unknown: not run from its jar)") + "\n";
    }
}
