package io.overlay4j.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Describes an overlay for the shim in one byte array, encoded once per {@code Overlay}.
 * Each entry is a tag ({@link EntryTag}), a 4-byte big-endian length and that many bytes, so
 * no byte of a path or option can start another entry (see o4j_spec_count).
 */
public final class OverlaySpec {
    private OverlaySpec() {
    }

    public static byte[] encode(List<Directory> lowerdirs, List<Directory> datadirs, Directory upperdir,
            Directory workdir, Map<String, String> options, String source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (Directory lower : lowerdirs) {
            directory(out, EntryTag.LOWERDIR, lower);
        }
        for (Directory data : datadirs) {
            directory(out, EntryTag.DATADIR, data);
        }
        if (upperdir != null) {
            directory(out, EntryTag.UPPERDIR, upperdir);
        }
        if (workdir != null) {
            directory(out, EntryTag.WORKDIR, workdir);
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            // Keys, values and the source are printable ASCII (OverlayOptions.checkOne, checkSource).
            ascii(out, EntryTag.OPTION, o.getKey());
            if (o.getValue() != null) {
                ascii(out, EntryTag.VALUE, o.getValue());
            }
        }
        if (source != null) {
            ascii(out, EntryTag.SOURCE, source);
        }
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, byte tag, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        header(out, tag, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void directory(ByteArrayOutputStream out, byte tag, Directory dir) {
        header(out, tag, EntryTag.ID_BYTES + dir.bytes.length);
        for (long v : dir.id) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
        }
        out.write(dir.bytes, 0, dir.bytes.length);
    }

    private static void header(ByteArrayOutputStream out, byte tag, int length) {
        out.write(tag);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }

    /** The mount(2) option string for spec, as the C core formats it. */
    public static String options(Kernel kernel, byte[] spec) {
        return PathBytes.decode(kernel.formatOptions(spec));
    }
}
