package io.overlay4j.cli;

import io.overlay4j.MountInfo;
import io.overlay4j.Mounts;
import io.overlay4j.UnmountOption;
import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Errors;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.Layers;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.Refusal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@code umount}: umount(8)'s command line, unchanged, for one or more targets. */
final class UmountCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: umount [-lfvqncid] [-t overlay] TARGET...",
            "",
            "  -l, --lazy, --detach  lazy unmount: detach now (with every mount under TARGET),",
            "                        clean up when no longer busy",
            "  -f, --force           force unmount (MNT_FORCE)",
            "  -v, --verbose         say what was unmounted (on stderr, as umount(8) does)",
            "  --debug               show stack traces of errors",
            "  -q, --quiet           say nothing when a TARGET is no overlay mount point (the exit code",
            "                        still says so)",
            "  -t, --types overlay   accepted: overlay4j unmounts overlay mounts only, and refuses others",
            "  -n, -c, -i, -d        accepted (no mtab, paths always canonical, no helper, no loop device)",
            "  -V, --version         print overlay4j's version",
            "Unmounts every TARGET, quietly on success; when some fail, each failure is one line and",
            "the exit code is the first failure's. umount(8)'s -R, -a, -A, -O and -r are not supported.",
            "");

    private static final String LONG_OPTIONS = "--lazy --detach --force --verbose --quiet --types= --no-mtab "
            + "--no-canonicalize --internal-only --detach-loop --help --version --recursive --all --all-targets "
            + "--read-only --test-opts= --fake --debug";

    private final List<UnmountOption> options = new ArrayList<>();
    private final List<Path> targets = new ArrayList<>();
    private boolean verbose;
    private boolean quiet;
    /** --debug: stack traces of errors. */
    boolean debug;
    private String text;

    @Override
    public List<String> names() {
        return Arrays.asList("umount", "unmount");
    }

    @Override
    public String summary() {
        return "unmount mount points";
    }

    /** Unmounts each target; a failure is reported and the others are still tried. */
    @Override
    public int run(List<String> args, Console console) throws UsageException {
        UmountCommand c = parse(args);
        console.debug |= c.debug;
        return c.execute(console);
    }

    private static UmountCommand parse(List<String> args) throws UsageException {
        UmountCommand c = new UmountCommand();
        OptionScanner scan = new OptionScanner(args, "tO", LONG_OPTIONS.split(" "));
        while (scan.next()) {
            if (scan.option() == null) {
                c.targets.add(Arguments.path(scan.value()));
                continue;
            }
            switch (scan.option()) {
                case "-h":
                case "--help":
                    c.text = HELP;
                    return c;
                case "-V":
                case "--version":
                    c.text = Main.versionLine();
                    return c;
                case "-l":
                case "--lazy":
                case "--detach":
                    c.options.add(UnmountOption.DETACH);
                    break;
                case "-f":
                case "--force":
                    c.options.add(UnmountOption.FORCE);
                    break;
                case "-v":
                case "--verbose":
                    c.verbose = true;
                    break;
                case "-q":
                case "--quiet":
                    c.quiet = true;
                    break;
                case "-t":
                case "--types":
                    for (String type : scan.value().split(",")) {
                        if (!type.isEmpty() && !type.equals("overlay")) {
                            throw new UsageException("overlay4j unmounts overlay filesystems only, not '"
                                    + scan.value() + "'; use umount(8) for other types");
                        }
                    }
                    break;
                case "--debug":
                    c.debug = true;
                    break;
                case "-n":
                case "--no-mtab":
                case "-c":
                case "--no-canonicalize":
                case "-i":
                case "--internal-only":
                case "-d":
                case "--detach-loop":
                    break; // nothing to do for an overlay
                case "-R":
                case "--recursive":
                    throw new UsageException("umount -R is not supported; -l detaches TARGET with every mount under "
                            + "it, or use umount(8) -R");
                default:
                    throw new UsageException("unknown umount option '" + scan.option() + "'; overlay4j unmounts the "
                            + "targets it is given (umount(8)'s -a, -A, -O, -r and --fake are not supported); "
                            + "try umount --help");
            }
        }
        if (c.text == null && c.targets.isEmpty()) {
            throw new UsageException("umount needs a TARGET; try umount --help");
        }
        return c;
    }

    private int execute(Console console) {
        if (text != null) {
            console.out.print(text);
            return Main.OK;
        }
        int exit = Main.OK;
        for (Path target : targets) {
            try {
                // Overlays only: overlay4j never unmounts a mount it did not make the kind of.
                MountInfo overlay = overlayOn(target).<Refusal>orElseThrow(() -> Errors.precheck(Errno.EINVAL, "umount2",
                        target.toString(), "unmount " + target, target + " is not an overlay "
                                + "mount point; overlay4j unmounts overlays only (use umount(8) for other mounts)"));
                Mounts.unmount(overlay, options.toArray(new UnmountOption[0]));
                if (verbose) { // on stderr, as umount(8) says it
                    Arguments.println(console.err, "umount: " + Arguments.display(overlay.target()) + " ("
                            + Arguments.escape(overlay.source()) + ") unmounted");
                }
            } catch (Exception e) {
                int code = quiet && notMounted(e) ? Main.FAILED : console.report(e);
                exit = exit == Main.OK ? code : exit;
            }
        }
        return exit;
    }

    private static boolean notMounted(Exception e) {
        return Main.errno(e) == Errno.EINVAL;
    }

    /**
     * The overlay mounted on top of target, if any (never used to unmount by name: its mount ID
     * is). A target that cannot be resolved is reported as what it is (missing, not a directory).
     */
    private static Optional<MountInfo> overlayOn(Path target) throws IOException, Refusal {
        byte[] real = PathBytes.of(Layers.resolve(Kernel.system(), target, "target", "unmount " + target).path);
        MountInfo top = null;
        for (MountInfo m : Mounts.overlays()) {
            if (Arrays.equals(PathBytes.of(m.target()), real)) {
                top = m; // the last one listed is on top
            }
        }
        return Optional.ofNullable(top);
    }
}
