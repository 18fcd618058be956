package io.overlay4j.internal;

import java.nio.charset.Charset;
import java.nio.file.Path;

/** Paths as the bytes the kernel sees, in the JVM's file-name encoding. */
public final class PathBytes {
    private static final Charset CHARSET = charset();

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

    public static byte[] of(Path path) {
        return encode(path.toString());
    }

    public static byte[] encode(String text) {
        return text.getBytes(CHARSET);
    }

    public static String decode(byte[] bytes) {
        return new String(bytes, CHARSET);
    }
}
