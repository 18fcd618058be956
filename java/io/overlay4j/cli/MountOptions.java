package io.overlay4j.cli;

import io.overlay4j.Overlay;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads mount(8)'s {@code -o} syntax for overlays into a builder: options split on
 * unescaped ',', lowerdir on unescaped ':' ("::" before data-only layers), and a
 * backslash escapes the next character. ro, nosuid, nodev, noexec, noatime and
 * relatime become mount flags, as mount(8) makes them.
 */
final class MountOptions {
    private MountOptions() {
    }

    static void apply(String text, Overlay.Builder builder) throws UsageException {
        for (String option : split(text, ',')) {
            if (option.isEmpty()) {
                continue;
            }
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? null : option.substring(eq + 1);
            switch (key) {
                case "lowerdir":
                    lowerdir(require(key, value), builder);
                    break;
                case "upperdir":
                    builder.upperdir(Arguments.path(unescape(require(key, value))));
                    break;
                case "workdir":
                    builder.workdir(Arguments.path(unescape(require(key, value))));
                    break;
                case "ro":
                    builder.readOnly();
                    break;
                case "rw":
                    break;
                case "nosuid":
                    builder.nosuid();
                    break;
                case "nodev":
                    builder.nodev();
                    break;
                case "noexec":
                    builder.noexec();
                    break;
                case "noatime":
                    builder.noatime();
                    break;
                case "relatime":
                    builder.relatime();
                    break;
                default:
                    if (value == null) {
                        builder.option(key);
                    } else {
                        builder.option(key, unescape(value));
                    }
            }
        }
    }

    /** "a:b::d1::d2": regular layers, then data-only ones after the first "::". */
    private static void lowerdir(String value, Overlay.Builder builder) throws UsageException {
        List<java.nio.file.Path> lowers = new ArrayList<>();
        List<java.nio.file.Path> data = new ArrayList<>();
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
        builder.lowerdirs(lowers).datadirs(data);
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
