package io.overlay4j.cli;

import io.overlay4j.Overlay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Reads mount(8)'s {@code -o} syntax for overlays into a builder: options split on
 * unescaped ',', lowerdir on unescaped ':' ("::" before data-only layers), and a
 * backslash escapes the next character. As in mount(8), the words of every {@code -o}
 * (and {@code -r}, {@code -w}) are read in order and a later word wins: "ro,rw" is
 * read-write, "lowerdir=A,lowerdir=B" has the one lower B, "lowerdir+=A,lowerdir+=B" (as
 * util-linux 2.39+ writes layers one by one) has A and B. Layers and flag words go to the
 * builder when the command line is done ({@link #finish}); userspace words that mount(8)
 * never passes to the kernel are ignored; every other option goes to the overlay.
 */
final class MountOptions {
    /** mount(8)'s flag words: the one that sets the flag, the one that clears it. */
    private enum Flag {
        RDONLY("ro", "rw"), NOSUID("nosuid", "suid"), NODEV("nodev", "dev"), NOEXEC("noexec", "exec"),
        NOATIME("noatime", "atime"), RELATIME("relatime", "norelatime");

        final String on;
        final String off;

        Flag(String on, String off) {
            this.on = on;
            this.off = off;
        }
    }

    /** Words mount(8) keeps to itself (fstab and helper options), never sending them to the kernel. */
    private static final List<String> USERSPACE = Arrays.asList("auto", "noauto", "nouser", "nofail", "_netdev");

    private final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    private final List<Path> lowers = new ArrayList<>();
    private final List<Path> data = new ArrayList<>();
    private boolean lowerdirSeen;

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
        if (eq < 0 && flag(option)) {
            return;
        }
        if ((eq < 0 && USERSPACE.contains(option)) || key.startsWith("x-") || key.equals("comment")) {
            return;
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
            case "remount":
            case "bind":
            case "rbind":
            case "move":
                throw new UsageException("option " + key + " is not for overlay4j, which mounts new overlays; "
                        + "use mount(8) to " + (key.equals("remount") ? "change a mount in place" : key + " a mount"));
            default:
                if (value == null) {
                    builder.option(key);
                } else {
                    builder.option(key, unescape(value));
                }
        }
    }

    /** Applies a flag word; false when option is none. */
    private boolean flag(String option) {
        if (option.equals("defaults")) { // rw,suid,dev,exec (and auto,nouser,async: nothing to do)
            flags.removeAll(EnumSet.of(Flag.RDONLY, Flag.NOSUID, Flag.NODEV, Flag.NOEXEC));
            return true;
        }
        for (Flag f : Flag.values()) {
            if (option.equals(f.on)) {
                flags.add(f);
                // noatime and relatime exclude each other, as in mount(8).
                if (f == Flag.NOATIME) {
                    flags.remove(Flag.RELATIME);
                } else if (f == Flag.RELATIME) {
                    flags.remove(Flag.NOATIME);
                }
                return true;
            }
            if (option.equals(f.off)) {
                flags.remove(f);
                return true;
            }
        }
        return false;
    }

    /** Gives the builder the layers, if any were named, and the mount flags the words left set. */
    void finish(Overlay.Builder builder) {
        if (!lowers.isEmpty() || !data.isEmpty()) {
            builder.lowerdirs(lowers).datadirs(data);
        }
        for (Flag f : flags) {
            switch (f) {
                case RDONLY:
                    builder.readOnly();
                    break;
                case NOSUID:
                    builder.nosuid();
                    break;
                case NODEV:
                    builder.nodev();
                    break;
                case NOEXEC:
                    builder.noexec();
                    break;
                case NOATIME:
                    builder.noatime();
                    break;
                default:
                    builder.relatime();
            }
        }
    }

    /** "a:b::d1::d2": regular layers, then data-only ones after the first "::"; replaces those named before. */
    private void lowerdir(String value) throws UsageException {
        lowerdirSeen = true;
        lowers.clear();
        data.clear();
        List<String> parts = split(value, ':');
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).isEmpty() && i + 1 < parts.size()) {
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

    /** Splits on unescaped separators, keeping escapes for {@link #unescape}. */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
            } else if (c == separator) {
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
