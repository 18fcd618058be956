package io.overlay4j.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.ProviderMismatchException;

/**
 * Paths as the bytes the kernel sees, never through a String charset. A Path of the
 * default file system holds its name's bytes; {@link Path#toUri()} percent-encodes
 * exactly those bytes and {@link Paths#get(URI)} decodes them back, on Java 8 and
 * later, in every locale. toString() is not used for that: it decodes the bytes with
 * the locale's charset, which loses every name that charset cannot spell.
 */
public final class PathBytes {
    private static final Path ROOT = Paths.get("/");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Charset CHARSET = charset();
    /** Whether an all-ASCII name is its own bytes: true of every charset Linux locales use for names. */
    private static final boolean ASCII_IS_BYTES = CHARSET.equals(StandardCharsets.UTF_8)
            || CHARSET.equals(StandardCharsets.US_ASCII) || CHARSET.name().startsWith("ISO-8859-");

    private PathBytes() {
    }

    private static Charset charset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * Refuses, at once, what can name no directory: an empty path, or one of another
     * file system (a zip file system's, an in-memory one's).
     *
     * @param what the argument, for the message ("lowerdirs[1]", "target")
     */
    public static Path check(Path path, String what) {
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new ProviderMismatchException(what + " " + path + " belongs to " + path.getFileSystem()
                    + ", not to the default file system; overlay4j mounts directories of the default one");
        }
        if (path.toString().isEmpty()) {
            throw new IllegalArgumentException(what + " is the empty path, which names no directory; use \".\" "
                    + "for the current directory");
        }
        return path;
    }

    /** The exact bytes of path's name; relative paths stay relative (the kernel resolves them). */
    public static byte[] of(Path path) {
        String text = check(path, "path").toString();
        if (ASCII_IS_BYTES && isAscii(text)) {
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        // "/" + a relative name is a byte concatenation; toUri() adds "/" to a directory's name.
        String raw = (path.isAbsolute() ? path : ROOT.resolve(path)).toUri().getRawPath();
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = path.isAbsolute() ? 0 : 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                bytes[n++] = (byte) Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        if (n > 1 && bytes[n - 1] == '/') {
            n--;
        }
        return java.util.Arrays.copyOf(bytes, n);
    }

    /** The Path whose name is exactly these bytes (not empty, no NUL). */
    public static Path toPath(byte[] bytes) {
        if (ASCII_IS_BYTES && isAscii(bytes)) {
            return Paths.get(new String(bytes, StandardCharsets.US_ASCII));
        }
        if (bytes.length == 0 || bytes[0] != '/') {
            return relative(bytes);
        }
        StringBuilder uri = new StringBuilder(bytes.length * 3 + 8).append("file://");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '-'
                    || c == '.' || c == '_') {
                uri.append((char) c);
            } else {
                uri.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        try {
            return Paths.get(new URI(uri.toString()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e); // every byte is escaped: cannot happen
        }
    }

    /**
     * A relative name, component by component: "/" relativized against "/NAME" is NAME's
     * bytes, and resolve() joins bytes. Whole names are not relativized, because Java 9+
     * drops their "." and ".." components there.
     */
    private static Path relative(byte[] bytes) {
        Path p = null;
        for (int start = 0, end; start < bytes.length; start = end + 1) {
            for (end = start; end < bytes.length && bytes[end] != '/'; end++) {
                // to the next separator
            }
            if (end > start) {
                byte[] name = java.util.Arrays.copyOfRange(bytes, start, end);
                String ascii = isAscii(name) ? new String(name, StandardCharsets.US_ASCII) : null;
                Path component = ascii != null && (ASCII_IS_BYTES || ascii.equals(".") || ascii.equals(".."))
                        ? Paths.get(ascii) : ROOT.relativize(toPath(concat((byte) '/', name)));
                p = p == null ? component : p.resolve(component);
            }
        }
        if (p == null) {
            throw new IllegalArgumentException("the empty path names no directory");
        }
        return p;
    }

    private static byte[] concat(byte first, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = first;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }

    /** A key that is equal exactly when the bytes are: one char per byte. */
    public static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Text from the kernel or the C core, for messages: decoded as the JVM decodes file names. */
    public static String decode(byte[] bytes) {
        return new String(bytes, CHARSET);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }
}
