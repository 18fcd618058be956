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
import java.util.ArrayList;
import java.util.Arrays;
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
            "  umount  unmount a mount point      (umount --help)",
            "  list    list overlay mounts         (list --help)",
            "  demo    the union-filesystem walkthrough, narrated (demo --help)",
            "",
            "global option: --debug  show stack traces of errors",
            "exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 permission denied, 5 busy");

    static final String MOUNT_HELP = String.join("\n",
            "usage: mount [-o OPTIONS] [--lowerdir DIR]... [--image-layer DIR]... [--upperdir DIR]",
            "             [--workdir DIR] [--read-only] [--strategy fd|string|legacy] TARGET",
            "",
            "  -o OPTIONS        as mount(8): lowerdir=A:B,upperdir=U,workdir=W,index=off,nosuid,...",
            "                    (escape ',' ':' and '\\' in paths with a backslash)",
            "  --lowerdir DIR    a lower directory, highest priority first (repeatable)",
            "  --image-layer DIR a layer in container-image order, base first (repeatable)",
            "  --upperdir DIR    where writes go; needs --workdir",
            "  --workdir DIR     an empty directory on the same filesystem as the upperdir",
            "  --read-only       mount read-only",
            "  --strategy S      force how the overlay is passed to the kernel",
            "Leaves the overlay mounted; unmount it with: umount TARGET");

    static final String UMOUNT_HELP = String.join("\n",
            "usage: umount [--detach] [--force] TARGET",
            "",
            "  --detach  lazy unmount: detach now, clean up when no longer busy",
            "  --force   force unmount (MNT_FORCE)");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err).run(args));
    }

    int run(String[] argv) {
        boolean debug = Arrays.asList(argv).contains("--debug");
        try {
            List<String> args = new ArrayList<>(Arguments.of(argv));
            args.remove("--debug");
            if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
                out.println(USAGE_TEXT);
                return args.isEmpty() ? USAGE : OK;
            }
            String command = args.remove(0);
            switch (command) {
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
            err.println("overlay4j: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            if (debug) {
                e.printStackTrace(err);
            }
            return exitCode(e);
        }
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

    private int mount(List<String> args) throws Exception {
        if (args.contains("--help")) {
            out.println(MOUNT_HELP);
            return OK;
        }
        Overlay.Builder builder = Overlay.builder();
        List<java.nio.file.Path> lowers = new ArrayList<>();
        List<java.nio.file.Path> imageLayers = new ArrayList<>();
        String target = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-o":
                    MountOptions.apply(value(args, ++i, a), builder);
                    break;
                case "--lowerdir":
                    lowers.add(Arguments.path(value(args, ++i, a)));
                    break;
                case "--image-layer":
                    imageLayers.add(Arguments.path(value(args, ++i, a)));
                    break;
                case "--upperdir":
                    builder.upperdir(Arguments.path(value(args, ++i, a)));
                    break;
                case "--workdir":
                    builder.workdir(Arguments.path(value(args, ++i, a)));
                    break;
                case "--read-only":
                    builder.readOnly();
                    break;
                case "--strategy":
                    builder.strategy(strategy(value(args, ++i, a)));
                    break;
                default:
                    if (a.startsWith("-") && target == null && !a.equals("-")) {
                        throw new UsageException("unknown mount option '" + a + "'; try mount --help");
                    }
                    if (target != null) {
                        throw new UsageException("mount takes one TARGET; got '" + target + "' and '" + a + "'");
                    }
                    target = a;
            }
        }
        if (target == null) {
            throw new UsageException("mount needs a TARGET directory; try mount --help");
        }
        if (!lowers.isEmpty() && !imageLayers.isEmpty()) {
            throw new UsageException("give --lowerdir or --image-layer, not both");
        }
        if (!lowers.isEmpty()) {
            builder.lowerdirs(lowers);
        } else if (!imageLayers.isEmpty()) {
            builder.imageLayers(imageLayers);
        }
        OverlayMount m = builder.build().mount(Arguments.path(target));
        Arguments.println(out, "mounted overlay on " + Arguments.display(m.target()) + " with strategy "
                + m.overlay().strategy());
        return OK;
    }

    static final String LIST_HELP = String.join("\n",
            "usage: list [-v]",
            "",
            "Lists the overlay mounts this process sees (from /proc/self/mountinfo).",
            "  -v  also list every layer, top first");

    private int list(List<String> args) throws Exception {
        if (args.contains("--help")) {
            out.println(LIST_HELP);
            return OK;
        }
        boolean verbose = args.remove("-v") || args.remove("--verbose");
        if (!args.isEmpty()) {
            throw new UsageException("unexpected '" + args.get(0) + "'; try list --help");
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
        if (args.contains("--help")) {
            out.println(UMOUNT_HELP);
            return OK;
        }
        List<UnmountOption> options = new ArrayList<>();
        String target = null;
        for (String a : args) {
            if (a.equals("--detach") || a.equals("-l")) {
                options.add(UnmountOption.DETACH);
            } else if (a.equals("--force") || a.equals("-f")) {
                options.add(UnmountOption.FORCE);
            } else if (a.startsWith("-") || target != null) {
                throw new UsageException("unexpected '" + a + "'; try umount --help");
            } else {
                target = a;
            }
        }
        if (target == null) {
            throw new UsageException("umount needs a TARGET; try umount --help");
        }
        Mounts.unmount(Arguments.path(target), options.toArray(new UnmountOption[0]));
        Arguments.println(out, "unmounted " + target);
        return OK;
    }

    static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }
}
