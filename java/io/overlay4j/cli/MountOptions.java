package io.overlay4j.cli;

import io.overlay4j.Overlay;
import io.overlay4j.internal.MountFlag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Reads mount(8)'s {@code -o} syntax for overlays into a builder: options split on ','
 * outside double quotes, lowerdir on ':' ("::" before data-only layers), and a backslash
 * escapes the next character. As in mount(8), the words of every {@code -o} (and
 * {@code -r}, {@code -w}) are read in order and a later word wins: "ro,rw" is read-write,
 * "lowerdir=A,lowerdir=B" has the one lower B, "lowerdir+=A,lowerdir+=B" (as util-linux
 * 2.39+ writes layers one by one) has A and B. Layers and flags go to the builder when the
 * command line is done ({@link #finish}); words mount(8) keeps to itself are ignored;
 * every other option goes to the overlay.
 */
final class MountOptions {
    /**
     * Words mount(8) keeps to itself (fstab, helper and user options) and never passes to the
     * kernel; "defaults" sets nothing in libmount, and silent/loud only quiet the kernel's log.
     */
    private static final List<String> USERSPACE = Arrays.asList("defaults", "auto", "noauto", "nouser", "nousers",
            "noowner", "nogroup", "nofail", "_netdev", "silent", "loud");
    /** Propagation is set on a mount after it exists; mount(8) does that with a second call. */
    private static final List<String> PROPAGATION = Arrays.asList("shared", "rshared", "private", "rprivate",
            "slave", "rslave", "unbindable", "runbindable");
    private static final List<String> SELINUX = Arrays.asList("context", "fscontext", "defcontext", "rootcontext");

    private final EnumSet<MountFlag> flags = EnumSet.noneOf(MountFlag.class);
    private final List<Path> lowers = new ArrayList<>();
    private final List<Path> data = new ArrayList<>();
    /** --lowerdir and --image-layer, which name the lower layers instead of -o. */
    private final List<Path> lowerOptions = new ArrayList<>();
    private final List<Path> imageLayers = new ArrayList<>();
    private boolean lowerdirSeen;
    /** X-mount.mkdir: the mode to create a missing target with; null when not asked. */
    private Integer mkdirMode;

    /** One -o argument. */
    void add(String text, Overlay.Builder builder) throws UsageException {
        for (String option : split(text, ',')) {
            if (!option.isEmpty()) {
                word(option, builder);
            }
        }
    }

    /** One option word, in command-line order ("ro" for -r, "rw" for -w). */
    void word(String option, Overlay.Builder builder) throws UsageException {
        int eq = option.indexOf('=');
        String key = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? null : option.substring(eq + 1);
        if (eq < 0 && (flag(option) || USERSPACE.contains(option))) {
            return;
        }
        if (key.equalsIgnoreCase("x-mount.mkdir")) {
            mkdirMode = mode(value);
            return;
        }
        if (key.startsWith("x-") || key.startsWith("X-") || key.equals("comment")) {
            return;
        }
        if (SELINUX.contains(key) && !Files.exists(Paths.get("/sys/fs/selinux/enforce"))) {
            return; // as libmount does when SELinux is off: the kernel would refuse them
        }
        switch (key) {
            case "lowerdir":
                lowerdir(require(key, value));
                break;
            case "lowerdir+":
            case "datadir+":
                if (lowerdirSeen) {
                    throw new UsageException("option " + key + " cannot follow lowerdir (the kernel refuses it too); "
                            + "name the layers either all in lowerdir=A:B or each with lowerdir+=");
                }
                (key.equals("lowerdir+") ? lowers : data).add(Arguments.path(unescape(require(key, value))));
                break;
            case "upperdir":
                builder.upperdir(Arguments.path(unescape(require(key, value))));
                break;
            case "workdir":
                builder.workdir(Arguments.path(unescape(require(key, value))));
                break;
            case "user":
            case "users":
                // What mount(8) implies for them; a later exec, suid or dev still wins.
                flags.addAll(EnumSet.of(MountFlag.NOSUID, MountFlag.NODEV, MountFlag.NOEXEC));
                break;
            case "owner":
            case "group":
                flags.addAll(EnumSet.of(MountFlag.NOSUID, MountFlag.NODEV));
                break;
            case "remount":
            case "bind":
            case "rbind":
            case "move":
                throw new UsageException("option " + key + " is not for overlay4j, which mounts new overlays; "
                        + "use mount(8) to " + (key.equals("remount") ? "change a mount in place" : key + " a mount"));
            default:
                if (PROPAGATION.contains(key)) {
                    throw new UsageException("option " + key + " sets the propagation of an existing mount, which "
                            + "overlay4j does not do; mount, then run: mount --make-" + key + " TARGET");
                }
                if (value == null) {
                    builder.option(key);
                } else {
                    builder.option(key, unescape(value));
                }
        }
    }

    /** Applies a flag word; false when option is none. */
    private boolean flag(String option) {
        for (MountFlag f : MountFlag.values()) {
            if (option.equals(f.word)) {
                flags.add(f);
                return true;
            }
            if (option.equals(f.clearedBy)) {
                flags.remove(f);
                return true;
            }
        }
        return false;
    }

    private static Integer mode(String value) throws UsageException {
        if (value == null || value.isEmpty()) {
            return 0755;
        }
        try {
            int mode = Integer.parseInt(value, 8);
            if (mode >= 0 && mode <= 07777) {
                return mode;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException("X-mount.mkdir takes an octal mode such as 0755, not '" + value + "'");
    }

    /** The mode X-mount.mkdir asked a missing target to be created with, or null. */
    Integer mkdirMode() {
        return mkdirMode;
    }

    /**
     * The options that name layers one by one (--lowerdir, --image-layer, --upperdir, --workdir),
     * as mount, diff and export take them: whether option was one of them.
     */
    boolean layer(String option, String value, Overlay.Builder builder) throws UsageException {
        switch (option) {
            case "--lowerdir":
                lowerOptions.add(Arguments.path(value));
                return true;
            case "--image-layer":
                imageLayers.add(Arguments.path(value));
                return true;
            case "--upperdir":
                builder.upperdir(Arguments.path(value));
                return true;
            case "--workdir":
                builder.workdir(Arguments.path(value));
                return true;
            default:
                return false;
        }
    }

    /** Whether the command line named lower layers, in -o or by option. */
    boolean namesLayers() {
        return !lowers.isEmpty() || !data.isEmpty() || !lowerOptions.isEmpty() || !imageLayers.isEmpty();
    }

    /** Gives the builder the layers, however they were named, and the mount flags the words left set. */
    void finish(Overlay.Builder builder) throws UsageException {
        boolean named = !lowers.isEmpty() || !data.isEmpty();
        if (!lowerOptions.isEmpty() && !imageLayers.isEmpty()) {
            throw new UsageException("give --lowerdir or --image-layer, not both");
        }
        if ((!lowerOptions.isEmpty() || !imageLayers.isEmpty()) && named) {
            throw new UsageException("give the lower layers with --lowerdir/--image-layer or in -o, not both");
        }
        if (named) {
            builder.lowerdirs(lowers).datadirs(data);
        } else if (!lowerOptions.isEmpty()) {
            builder.lowerdirs(lowerOptions);
        } else if (!imageLayers.isEmpty()) {
            builder.imageLayers(imageLayers);
        }
        if (flags.contains(MountFlag.RDONLY)) {
            builder.readOnly();
        }
        if (flags.contains(MountFlag.NOSUID)) {
            builder.nosuid();
        }
        if (flags.contains(MountFlag.NODEV)) {
            builder.nodev();
        }
        if (flags.contains(MountFlag.NOEXEC)) {
            builder.noexec();
        }
        if (flags.contains(MountFlag.NODIRATIME)) {
            builder.nodiratime();
        }
        if (flags.contains(MountFlag.NOSYMFOLLOW)) {
            builder.nosymfollow();
        }
        // Whatever their order, the kernel lets strictatime win over noatime, and noatime over relatime.
        if (flags.contains(MountFlag.STRICTATIME)) {
            builder.strictatime();
        } else if (flags.contains(MountFlag.NOATIME)) {
            builder.noatime();
        } else if (flags.contains(MountFlag.RELATIME)) {
            builder.relatime();
        }
    }

    /** "a:b::d1::d2": regular layers, then data-only ones after the first "::"; replaces those named before. */
    private void lowerdir(String value) throws UsageException {
        lowerdirSeen = true;
        lowers.clear();
        data.clear();
        List<String> parts = split(value, ':');
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).isEmpty() && (i == 0 || i + 1 == parts.size() || parts.get(i + 1).isEmpty())) {
                throw new UsageException("lowerdir=" + value + " has an empty layer (a ':' at either end, or ':::'); "
                        + "'::' starts the data-only layers");
            }
            if (parts.get(i).isEmpty()) {
                data.add(Arguments.path(unescape(parts.get(++i))));
            } else if (data.isEmpty()) {
                lowers.add(Arguments.path(unescape(parts.get(i))));
            } else {
                data.add(Arguments.path(unescape(parts.get(i))));
            }
        }
    }

    private static String require(String key, String value) throws UsageException {
        if (value == null || value.isEmpty()) {
            throw new UsageException("option " + key + " needs a value: " + key + "=PATH");
        }
        return value;
    }

    /**
     * Splits on unescaped separators, keeping escapes for {@link #unescape}. Between options
     * (',') a double-quoted value is one piece, as libmount reads it: comment="a,b".
     */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
            } else if (c == '"' && separator == ',') {
                quoted = !quoted;
                current.append(c);
            } else if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
