package io.overlay4j.cli;

import io.overlay4j.Overlay;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads mount(8)'s {@code -o} syntax for overlays into a builder: options split on
 * unescaped ',', lowerdir on unescaped ':', and a backslash escapes the next character.
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
                    List<java.nio.file.Path> dirs = new ArrayList<>();
                    for (String dir : split(require(key, value), ':')) {
                        dirs.add(Paths.get(unescape(dir)));
                    }
                    builder.lowerdirs(dirs);
                    break;
                case "upperdir":
                    builder.upperdir(Paths.get(unescape(require(key, value))));
                    break;
                case "workdir":
                    builder.workdir(Paths.get(unescape(require(key, value))));
                    break;
                case "ro":
                    builder.readOnly();
                    break;
                case "rw":
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
