package io.overlay4j.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Paths from bytes for the tests, in any locale: a Path built from a String is encoded
 * with the locale's charset, which cannot spell non-ASCII names under LC_ALL=C (and no
 * charset spells a name that is not valid UTF-8). The JDK builds a Path from the bytes
 * of a file: URI's percent escapes.
 */
public final class Names {
    private Names() {
    }

    /** dir's child named by these bytes. */
    public static Path child(Path dir, byte[] name) {
        StringBuilder uri = new StringBuilder(dir.toUri().getRawPath());
        if (uri.charAt(uri.length() - 1) != '/') {
            uri.append('/');
        }
        for (byte b : name) {
            uri.append(String.format(java.util.Locale.ROOT, "%%%02X", b & 0xff));
        }
        return Paths.get(URI.create("file://" + uri));
    }

    /** dir's child named by the UTF-8 bytes of name. */
    public static Path child(Path dir, String name) {
        return child(dir, name.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes of a Path's name, read back through its URI. */
    public static byte[] bytes(Path p) {
        String raw = p.toAbsolutePath().toUri().getRawPath();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        byte[] b = out.toByteArray();
        return b.length > 1 && b[b.length - 1] == '/' ? java.util.Arrays.copyOf(b, b.length - 1) : b;
    }
}
