package io.overlay4j.cli;

import io.overlay4j.MountStrategy;
import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.MountTable;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mount}: mount(8)'s command line for an overlay, unchanged, plus overlay4j's own
 * flags. Without operands or layers it lists the overlay mounts as mount(8) lists them.
 */
final class MountCommand implements Command {
    /** --strategy's words: MountStrategy's constants, lowercase. */
    private static final List<String> STRATEGIES = new ArrayList<>();

    static {
        for (MountStrategy s : MountStrategy.values()) {
            STRATEGIES.add(s.name().toLowerCase(Locale.ROOT));
        }
    }

    static final String HELP = String.join("\n",
            "usage: mount [-t overlay] [-o OPTIONS]... [-rwvnsic] [SOURCE] TARGET",
            "       mount [--lowerdir DIR]... [--image-layer DIR]... [--upperdir DIR] [--workdir DIR]",
            "             [--read-only] [--strategy " + String.join("|", STRATEGIES) + "] TARGET",
            "       mount [-l] [-t overlay]      list the overlay mounts as mount(8) does",
            "",
            "Takes mount(8)'s command line for an overlay unchanged: options before or after the",
            "operands, short options clustered (-rv), -oOPTIONS glued, several -o (a later word wins),",
            "long options shortened to any unambiguous prefix, -- before operands that start with '-'.",
            "",
            "  -t, --types overlay   the filesystem type; overlay4j mounts overlay only",
            "  -o, --options OPTIONS as mount(8): lowerdir=A:B,upperdir=U,workdir=W,index=off,...",
            "                        or lowerdir+=A,lowerdir+=B,datadir+=D; a backslash escapes",
            "                        ',' ':' '\\' and '\"' in paths; \"...\" quotes a value.",
            "                        Mount flags: ro rw nosuid suid nodev dev noexec exec noatime",
            "                        atime relatime norelatime strictatime nostrictatime nodiratime",
            "                        diratime nosymfollow symfollow, and user users owner group for",
            "                        what they imply. X-mount.mkdir[=MODE] creates a missing TARGET.",
            "                        Ignored, as mount(8) keeps them to itself: defaults auto noauto",
            "                        nouser nousers noowner nogroup nofail _netdev silent loud",
            "                        x-* X-* comment=, and SELinux's context= family when SELinux",
            "                        is off. Every other option goes to the overlay.",
            "  -r, --read-only       mount read-only (-o ro)",
            "  -w, --rw, --read-write  mount read-write (-o rw, the default)",
            "  -v, --verbose         say what was mounted",
            "  -n, -s, -i, -c        accepted (no mtab, no helper; paths are always canonicalized)",
            "  SOURCE, --source S    the name the mount table shows for the mount (default: overlay)",
            "  TARGET, --target T    the directory to mount on",
            "  --lowerdir DIR        a lower directory, highest priority first (repeatable)",
            "  --image-layer DIR     a layer in container-image order, base first (repeatable)",
            "  --upperdir DIR        where writes go; needs --workdir",
            "  --workdir DIR         an empty directory on the same filesystem as the upperdir",
            "  --strategy S          force how the overlay is passed to the kernel",
            "  --allow-shared-upperdir  let the upperdir and workdir be in use by other mounts",
            "                        (the kernel allows it and calls the result undefined)",
            "  --debug               show stack traces of errors",
            "  -V, --version         print overlay4j's version",
            "Quiet on success, as mount(8). Leaves the overlay mounted; unmount it with: umount TARGET",
            "");

    private static final String LONG_OPTIONS = "--types= --options= --read-only --rw --read-write --verbose "
            + "--no-mtab --sloppy --internal-only --no-canonicalize --show-labels --help --version --source= "
            + "--target= --lowerdir= --image-layer= --upperdir= --workdir= --strategy= --debug --allow-shared-upperdir";
    private static final int MAX_SOURCE = 255;

    final Overlay.Builder builder = Overlay.builder();
    private final MountOptions options = new MountOptions();
    private String source;
    Path target;
    boolean verbose;
    /** --debug: stack traces of errors. */
    boolean debug;
    /** No operands and no layers: list the overlay mounts. */
    boolean list;
    /** Set when the command line only asks for help or the version: print this instead. */
    String text;

    @Override
    public List<String> names() {
        return Arrays.asList("mount");
    }

    @Override
    public String summary() {
        return "mount an overlay";
    }

    @Override
    public int run(List<String> args, Console console) throws IOException, UsageException {
        MountCommand c = parse(args);
        console.debug |= c.debug;
        return c.execute(console.out);
    }

    /** The command line read into a new command, ready to {@link #execute}. */
    static MountCommand parse(List<String> args) throws UsageException {
        MountCommand c = new MountCommand();
        OptionScanner scan = new OptionScanner(args, "ot", LONG_OPTIONS.split(" "));
        List<String> operands = new ArrayList<>();
        String targetOption = null;
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
                        c.text = HELP;
                        return c;
                    case "-V":
                    case "--version":
                        c.text = Main.versionLine();
                        return c;
                    case "-t":
                    case "--types":
                        types(value);
                        break;
                    case "-o":
                    case "--options":
                        c.options.add(value, c.builder);
                        break;
                    case "-r":
                    case "--read-only":
                        c.options.word("ro", c.builder);
                        break;
                    case "-w":
                    case "--rw":
                    case "--read-write":
                        c.options.word("rw", c.builder);
                        break;
                    case "-v":
                    case "--verbose":
                        c.verbose = true;
                        break;
                    case "-n":
                    case "--no-mtab":
                    case "-s":
                    case "--sloppy":
                    case "-i":
                    case "--internal-only":
                    case "-c":
                    case "--no-canonicalize":
                    case "-l":
                    case "--show-labels":
                        break; // nothing to do for an overlay: no mtab, no helper, no labels
                    case "--source":
                        c.source = value;
                        break;
                    case "--debug":
                        c.debug = true;
                        break;
                    case "--allow-shared-upperdir":
                        c.builder.allowSharedUpperdir();
                        break;
                    case "--target":
                        targetOption = value;
                        break;
                    case "--strategy":
                        c.builder.strategy(strategy(value));
                        break;
                    default:
                        if (!c.options.layer(scan.option(), value, c.builder)) {
                            throw new UsageException("unknown mount option '" + scan.option() + "'; try mount --help");
                        }
                }
            }
            // As mount(8): TARGET is the last operand unless --target names it, SOURCE the one before.
            String targetWord = targetOption != null || operands.isEmpty() ? targetOption
                    : operands.remove(operands.size() - 1);
            String sourceWord = c.source != null || operands.isEmpty() ? c.source : operands.remove(0);
            if (!operands.isEmpty()) {
                throw new UsageException("mount takes [SOURCE] TARGET; '" + String.join("' '", operands)
                        + "' left over");
            }
            boolean layers = c.options.namesLayers();
            if (targetWord == null) {
                if (layers || sourceWord != null) {
                    throw new UsageException("mount needs a TARGET directory; try mount --help");
                }
                c.list = true;
                return c;
            }
            c.target = Arguments.path(targetWord);
            if (sourceWord != null) {
                c.source = source(sourceWord);
                c.builder.source(c.source);
            }
            c.options.finish(c.builder);
        } catch (IllegalArgumentException e) { // what the builder refuses in an option
            throw new UsageException(e.getMessage());
        }
        return c;
    }

    /** mount(8) takes a comma-separated list of types; each must be overlay here. */
    private static void types(String value) throws UsageException {
        for (String type : value.split(",")) {
            if (!type.isEmpty() && !type.equals("overlay")) {
                throw new UsageException("overlay4j mounts overlay filesystems only, not '" + value
                        + "'; use mount(8) for other types");
            }
        }
    }

    /** The source word: printable ASCII, so that every strategy can pass it and it reads back the same. */
    private static String source(String word) throws UsageException {
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) < 0x20 || word.charAt(i) > 0x7e) {
                throw new UsageException("SOURCE '" + Arguments.escape(word) + "' is not printable ASCII; the "
                        + "source overlay4j passes is 1 to " + MAX_SOURCE + " printable ASCII characters");
            }
        }
        if (word.isEmpty() || word.length() > MAX_SOURCE) {
            throw new UsageException("SOURCE has " + word.length() + " characters; the source overlay4j passes is 1 to "
                    + MAX_SOURCE + " printable ASCII characters");
        }
        return word;
    }

    private static MountStrategy strategy(String name) throws UsageException {
        try {
            return MountStrategy.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            int last = STRATEGIES.size() - 1;
            throw new UsageException("--strategy must be " + String.join(", ", STRATEGIES.subList(0, last)) + " or "
                    + STRATEGIES.get(last) + ", not '" + name + "'");
        }
    }

    int execute(PrintStream out) throws IOException {
        if (text != null) {
            out.print(text);
            return Main.OK;
        }
        if (list) {
            list(out);
            return Main.OK;
        }
        Integer mode = options.mkdirMode();
        if (mode != null && !Files.exists(target)) {
            Files.createDirectories(target, PosixFilePermissions.asFileAttribute(permissions(mode)));
        }
        OverlayMount m = builder.build().mount(target);
        if (verbose) {
            Arguments.println(out, "mount: " + m.overlay().source() + " mounted on " + Arguments.display(m.target())
                    + ".");
        }
        return Main.OK;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /**
     * "SOURCE on TARGET type overlay (OPTIONS)", as mount(8) prints it: OPTIONS are the
     * per-mount options then the overlay's, "ro" first when either is read-only, else "rw";
     * control characters as '?' (mount(8) does so in the target; here in every field, so that
     * no name can fake a line).
     */
    private static void list(PrintStream out) throws IOException {
        for (MountTable.Entry e : MountTable.overlays(Kernel.system())) {
            List<String> merged = new ArrayList<>();
            boolean ro = false;
            for (String part : (e.mountOptions + "," + new String(e.superOptions, StandardCharsets.ISO_8859_1))
                    .split(",")) {
                if (part.equals("ro") || part.equals("rw")) {
                    ro |= part.equals("ro");
                } else if (!part.isEmpty()) {
                    merged.add(part);
                }
            }
            merged.add(0, ro ? "ro" : "rw");
            Arguments.println(out, printable(e.source) + " on " + printable(e.target) + " type overlay ("
                    + printable(String.join(",", merged).getBytes(StandardCharsets.ISO_8859_1)) + ")");
        }
    }

    /** Bytes with control characters as '?', as mount(8) prints a target: no name can start a line. */
    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            s.append(b >= 0 && b < 0x20 || b == 0x7f ? '?' : (char) (b & 0xff));
        }
        return s.toString();
    }
}
