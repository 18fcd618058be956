package io.overlay4j.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Describes an overlay for the shim in one byte array, encoded once per {@code Overlay}.
 * Each entry is a tag, a 4-byte big-endian length and that many bytes, so no byte of a
 * path or option can start another entry (see o4j_spec_count): 'L' lowerdir, 'D'
 * data-only layer, 'U' upperdir, 'W' workdir (each the directory's identity, then its
 * name), 'O' an option's key, 'V' its value and 'S' the source (absent for "overlay").
 */
public final class OverlaySpec {
    private OverlaySpec() {
    }

    public static byte[] encode(List<Directory> lowerdirs, List<Directory> datadirs, Directory upperdir,
            Directory workdir, Map<String, String> options, String source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (Directory lower : lowerdirs) {
            directory(out, 'L', lower);
        }
        for (Directory data : datadirs) {
            directory(out, 'D', data);
        }
        if (upperdir != null) {
            directory(out, 'U', upperdir);
        }
        if (workdir != null) {
            directory(out, 'W', workdir);
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            // Keys, values and the source are printable ASCII (OverlayOptions.checkOne, checkSource).
            ascii(out, 'O', o.getKey());
            if (o.getValue() != null) {
                ascii(out, 'V', o.getValue());
            }
        }
        if (source != null) {
            ascii(out, 'S', source);
        }
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, char tag, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        header(out, tag, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void directory(ByteArrayOutputStream out, char tag, Directory dir) {
        header(out, tag, 24 + dir.bytes.length);
        for (long v : dir.id) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
        }
        out.write(dir.bytes, 0, dir.bytes.length);
    }

    private static void header(ByteArrayOutputStream out, char tag, int length) {
        out.write(tag);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }

    /** The mount(2) option string for spec, as the C core formats it. */
    public static String options(byte[] spec) {
        return PathBytes.decode(Jni.formatOptions(spec));
    }
}
