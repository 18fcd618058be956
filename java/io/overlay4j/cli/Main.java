package io.overlay4j.cli;

import io.overlay4j.ErrnoException;
import io.overlay4j.MountInfo;
import io.overlay4j.MountStrategy;
import io.overlay4j.Mounts;
import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;
import io.overlay4j.UnmountOption;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
            "  list    list overlay mounts         (list --help)",
            "  demo    the union-filesystem walkthrough, narrated (demo --help)",
            "",
            "global options: --debug  show stack traces of errors",
            "                --version  print overlay4j's version",
            "exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied, 5 busy",
            "");

    static final String MOUNT_HELP = String.join("\n",
            "usage: mount [-t overlay] [-o OPTIONS]... [-r|-w] [-v] [-n] [SOURCE] TARGET",
            "       mount [--lowerdir DIR]... [--image-layer DIR]... [--upperdir DIR] [--workdir DIR]",
            "             [--read-only] [--strategy fd|string|legacy] TARGET",
            "",
            "Takes mount(8)'s command line for an overlay unchanged: options before or after the",
            "operands, short options clustered (-rv), -oOPTIONS glued, several -o (a later word wins),",
            "-- before operands that start with '-'.",
            "",
            "  -t, --types overlay   the filesystem type; overlay4j mounts overlay only",
            "  -o, --options OPTIONS as mount(8): lowerdir=A:B,upperdir=U,workdir=W,index=off,...",
            "                        or lowerdir+=A,lowerdir+=B,datadir+=D (escape ',' ':' and '\\'",
            "                        in paths with a backslash);",
            "                        ro rw nosuid suid nodev dev noexec exec noatime atime relatime",
            "                        norelatime defaults set the mount flags; auto noauto nouser nofail",
            "                        _netdev x-* comment= are ignored, as mount(8) keeps them to itself",
            "  -r, --read-only       mount read-only (-o ro)",
            "  -w, --rw, --read-write  mount read-write (-o rw, the default)",
            "  -v, --verbose         say what was mounted",
            "  -n, --no-mtab         accepted; there is no mtab to write",
            "  SOURCE                the name the mount table shows for the mount (default: overlay)",
            "  --lowerdir DIR        a lower directory, highest priority first (repeatable)",
            "  --image-layer DIR     a layer in container-image order, base first (repeatable)",
            "  --upperdir DIR        where writes go; needs --workdir",
            "  --workdir DIR         an empty directory on the same filesystem as the upperdir",
            "  --read-only           mount read-only",
            "  --strategy S          force how the overlay is passed to the kernel",
            "  -V, --version         print overlay4j's version",
            "Quiet on success, as mount(8). Leaves the overlay mounted; unmount it with: umount TARGET",
            "");

    static final String UMOUNT_HELP = String.join("\n",
            "usage: umount [-l] [-f] [-v] [-n] TARGET...",
            "",
            "  -l, --lazy, --detach  lazy unmount: detach now, clean up when no longer busy",
            "  -f, --force           force unmount (MNT_FORCE)",
            "  -v, --verbose         say what was unmounted",
            "  -n, --no-mtab         accepted; there is no mtab to write",
            "  -V, --version         print overlay4j's version",
            "Unmounts every TARGET, quietly on success; when some fail, each failure is one line and",
            "the exit code is the first failure's.",
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
            // --debug anywhere before "--": before the command or among its options.
            int end = args.contains("--") ? args.indexOf("--") : args.size();
            debug = args.subList(0, end).removeIf("--debug"::equals);
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
                    return mount(args);
                case "umount":
                case "unmount":
                    return umount(args);
                case "list":
                    return list(args);
                case "demo":
                    return new Demo(out).run(args);
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
        if (e instanceof ErrnoException && "EBUSY".equals(((ErrnoException) e).errnoName())) {
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

    /** A parsed mount command line: what to build, where to mount it, whether to say so. */
    static final class MountCommand {
        final Overlay.Builder builder = Overlay.builder();
        Path target;
        boolean verbose;
        /** Set when the command line only asks for help or the version: print this instead. */
        String text;
    }

    private int mount(List<String> args) throws Exception {
        MountCommand c = parseMount(args);
        if (c.text != null) {
            out.print(c.text);
            return OK;
        }
        OverlayMount m = c.builder.build().mount(c.target);
        if (c.verbose) {
            Arguments.println(out, "mounted overlay on " + Arguments.display(m.target()) + " with strategy "
                    + m.overlay().strategy());
        }
        return OK;
    }

    static MountCommand parseMount(List<String> args) throws UsageException {
        MountCommand c = new MountCommand();
        Overlay.Builder builder = c.builder;
        OptionScanner scan = new OptionScanner(args, "ot", "--types", "--options", "--lowerdir", "--image-layer",
                "--upperdir", "--workdir", "--strategy");
        MountOptions options = new MountOptions();
        List<Path> lowers = new ArrayList<>();
        List<Path> imageLayers = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        try {
            while (scan.next()) {
                String value = scan.value();
                if (scan.option() == null) {
                    operands.add(value);
                    continue;
                }
                switch (scan.option()) {
                    case "-h":
                    case "--help":
                        c.text = MOUNT_HELP;
                        return c;
                    case "-V":
                    case "--version":
                        c.text = versionLine();
                        return c;
                    case "-t":
                    case "--types":
                        if (!value.equals("overlay")) {
                            throw new UsageException("overlay4j mounts overlay filesystems only, not '" + value
                                    + "'; use mount(8) for other types");
                        }
                        break;
                    case "-o":
                    case "--options":
                        options.add(value, builder);
                        break;
                    case "-r":
                    case "--read-only":
                        options.word("ro", builder);
                        break;
                    case "-w":
                    case "--rw":
                    case "--read-write":
                        options.word("rw", builder);
                        break;
                    case "-v":
                    case "--verbose":
                        c.verbose = true;
                        break;
                    case "-n":
                    case "--no-mtab":
                        break;
                    case "--lowerdir":
                        lowers.add(Arguments.path(value));
                        break;
                    case "--image-layer":
                        imageLayers.add(Arguments.path(value));
                        break;
                    case "--upperdir":
                        builder.upperdir(Arguments.path(value));
                        break;
                    case "--workdir":
                        builder.workdir(Arguments.path(value));
                        break;
                    case "--strategy":
                        builder.strategy(strategy(value));
                        break;
                    default:
                        throw new UsageException("unknown mount option '" + scan.option() + "'; try mount --help");
                }
            }
            if (operands.isEmpty()) {
                throw new UsageException("mount needs a TARGET directory (to list the overlay mounts: list); try mount --help");
            }
            if (operands.size() > 2) {
                throw new UsageException("mount takes [SOURCE] TARGET; got " + operands.size() + " operands: '"
                        + String.join("' '", operands) + "'");
            }
            if (operands.size() == 2) {
                builder.source(operands.get(0));
            }
            if (!lowers.isEmpty() && !imageLayers.isEmpty()) {
                throw new UsageException("give --lowerdir or --image-layer, not both");
            }
            options.finish(builder);
            if (!lowers.isEmpty()) {
                builder.lowerdirs(lowers);
            } else if (!imageLayers.isEmpty()) {
                builder.imageLayers(imageLayers);
            }
        } catch (IllegalArgumentException e) { // what the builder refuses in an option or the source
            throw new UsageException(e.getMessage());
        }
        c.target = Arguments.path(operands.get(operands.size() - 1));
        return c;
    }

    static final String LIST_HELP = String.join("\n",
            "usage: list [-v]",
            "",
            "Lists the overlay mounts this process sees (from /proc/self/mountinfo).",
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
            } else {
                throw new UsageException("unexpected '" + (scan.option() != null ? option : scan.value())
                        + "'; try list --help");
            }
        }
        out.printf("%-6s %-40s %6s  %s%n", "ID", "TARGET", "LAYERS", "UPPERDIR");
        for (MountInfo m : Mounts.overlays()) {
            Arguments.println(out, String.format(Locale.ROOT, "%-6d %-40s %6d  %s", m.mountId(),
                    Arguments.display(m.target()), m.lowerdirs().size() + m.datadirs().size(),
                    m.upperdir().isPresent() ? Arguments.display(m.upperdir().get()) : "-"));
            if (verbose) {
                for (int i = 0; i < m.lowerdirs().size(); i++) {
                    Arguments.println(out, "       lowerdir " + (i + 1) + ": " + Arguments.display(m.lowerdirs().get(i)));
                }
                for (int i = 0; i < m.datadirs().size(); i++) {
                    Arguments.println(out, "       datadir " + (i + 1) + ": " + Arguments.display(m.datadirs().get(i)));
                }
                if (m.workdir().isPresent()) {
                    Arguments.println(out, "       workdir: " + Arguments.display(m.workdir().get()));
                }
                out.println("       options: " + m.options());
            }
        }
        return OK;
    }

    private static MountStrategy strategy(String name) throws UsageException {
        try {
            return MountStrategy.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--strategy must be fd, string or legacy, not '" + name + "'");
        }
    }

    private int umount(List<String> args) throws Exception {
        OptionScanner scan = new OptionScanner(args, "");
        List<UnmountOption> options = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        boolean verbose = false;
        while (scan.next()) {
            if (scan.option() == null) {
                targets.add(Arguments.path(scan.value()));
                continue;
            }
            switch (scan.option()) {
                case "-h":
                case "--help":
                    out.print(UMOUNT_HELP);
                    return OK;
                case "-V":
                case "--version":
                    return version();
                case "-l":
                case "--lazy":
                case "--detach":
                    options.add(UnmountOption.DETACH);
                    break;
                case "-f":
                case "--force":
                    options.add(UnmountOption.FORCE);
                    break;
                case "-v":
                case "--verbose":
                    verbose = true;
                    break;
                case "-n":
                case "--no-mtab":
                    break;
                default:
                    throw new UsageException("unknown umount option '" + scan.option() + "'; try umount --help");
            }
        }
        if (targets.isEmpty()) {
            throw new UsageException("umount needs a TARGET; try umount --help");
        }
        int exit = OK;
        for (int i = 0; i < targets.size(); i++) {
            try {
                Mounts.unmount(targets.get(i), options.toArray(new UnmountOption[0]));
                if (verbose) {
                    Arguments.println(out, "unmounted " + Arguments.display(targets.get(i)));
                }
            } catch (Exception e) {
                int code = report(e);
                exit = exit == OK ? code : exit;
            }
        }
        return exit;
    }
}
