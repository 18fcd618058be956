package io.overlay4j.cli;

import io.overlay4j.internal.PathBytes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line as the bytes the caller passed. The JVM decodes argv with the
 * locale's charset and loses every byte that charset cannot spell (each non-ASCII
 * byte under LC_ALL=C, each invalid UTF-8 byte under C.UTF-8), so the CLI reads the
 * arguments from /proc/self/cmdline instead, when they are its tail. Arguments are
 * kept as "byte strings": one char per byte (ISO-8859-1), turned into Paths by bytes.
 */
final class Arguments {
    private static final Charset LAUNCHER = charset();

    private Arguments() {
    }

    private static Charset charset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    static List<String> of(String[] args) throws UsageException {
        List<byte[]> raw = fromCmdline(args);
        List<String> result = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            byte[] bytes = raw != null ? raw.get(i) : args[i].getBytes(LAUNCHER);
            if (raw == null && (args[i].indexOf('\uFFFD') >= 0 || !new String(bytes, LAUNCHER).equals(args[i]))) {
                throw new UsageException("argument " + (i + 1) + " '" + args[i] + "' lost bytes when the JVM decoded "
                        + "it as " + LAUNCHER + " (the locale's charset); it cannot tell which file that names: run "
                        + "under a locale that spells it (LC_ALL=C.UTF-8), or use the Java API with a Path");
            }
            result.add(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return result;
    }

    /** The last args.length entries of /proc/self/cmdline, if they decode to args; else null. */
    private static List<byte[]> fromCmdline(String[] args) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(Paths.get("/proc/self/cmdline"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        List<byte[]> entries = new ArrayList<>();
        for (int start = 0, end; start < cmdline.length; start = end + 1) {
            for (end = start; end < cmdline.length && cmdline[end] != 0; end++) {
                // to the NUL that ends this entry
            }
            entries.add(Arrays.copyOfRange(cmdline, start, end));
        }
        if (entries.size() < args.length) {
            return null;
        }
        List<byte[]> tail = entries.subList(entries.size() - args.length, entries.size());
        for (int i = 0; i < args.length; i++) {
            if (!new String(tail.get(i), LAUNCHER).equals(args[i])) {
                return null; // an @argfile, or not called from main(): argv is not ours to read
            }
        }
        return tail;
    }

    /** The Path named by a byte-string argument. */
    static Path path(String arg) throws UsageException {
        if (arg.isEmpty()) {
            throw new UsageException("an empty argument names no directory");
        }
        if (arg.indexOf('\0') >= 0) {
            throw new UsageException("a path cannot contain a NUL byte");
        }
        return PathBytes.toPath(arg.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Prints a line holding paths' bytes (see {@link #display}) as bytes, whatever the locale. */
    static void println(PrintStream out, String byteString) {
        byte[] line = (byteString + "\n").getBytes(StandardCharsets.ISO_8859_1);
        out.write(line, 0, line.length);
        out.flush();
    }

    /** A byte string with control bytes, '\' and bytes past ASCII as octal escapes: ASCII to show in any locale. */
    static String escape(String byteString) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < byteString.length(); i++) {
            append(s, byteString.charAt(i) & 0xff, true);
        }
        return s.toString();
    }

    /**
     * A path as a byte string for {@link #println}: its exact bytes, with control bytes
     * and '\' written as octal escapes as /proc/self/mountinfo does ("\012" for a newline),
     * so that every path stays on its line.
     */
    static String display(Path p) {
        StringBuilder s = new StringBuilder();
        for (byte b : PathBytes.of(p)) {
            append(s, b & 0xff, false);
        }
        return s.toString();
    }

    /**
     * A path as one whitespace-separated field of a listing: as {@link #display}, with the
     * space escaped too (\040), as /proc/self/mountinfo has it, so no name can fake a column or a row.
     */
    static String field(Path p) {
        return display(p).replace(" ", "\\040");
    }

    private static void append(StringBuilder s, int c, boolean escapeNonAscii) {
        if (c < 0x20 || c == 0x7f || c == '\\' || escapeNonAscii && c > 0x7f) {
            s.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + (c >> 3 & 7)))
                    .append((char) ('0' + (c & 7)));
        } else {
            s.append((char) c);
        }
    }
}
