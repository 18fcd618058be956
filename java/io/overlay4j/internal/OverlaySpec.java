package io.overlay4j.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Serializes an overlay for the shim in one byte array, encoded once per
 * {@code Overlay}: NUL-terminated entries tagged 'L' lowerdir, 'U' upperdir,
 * 'W' workdir, 'D' data-only layer, 'O' option ("key" or "key=value"). See o4j_spec_decode.
 */
public final class OverlaySpec {
    private OverlaySpec() {
    }

    public static byte[] encode(List<Path> lowerdirs, List<Path> datadirs, Path upperdir, Path workdir,
            Map<String, String> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (Path lower : lowerdirs) {
            entry(out, 'L', PathBytes.of(lower));
        }
        for (Path data : datadirs) {
            entry(out, 'D', PathBytes.of(data));
        }
        if (upperdir != null) {
            entry(out, 'U', PathBytes.of(upperdir));
        }
        if (workdir != null) {
            entry(out, 'W', PathBytes.of(workdir));
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            String text = o.getValue() == null ? o.getKey() : o.getKey() + "=" + o.getValue();
            entry(out, 'O', PathBytes.encode(text));
        }
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, char tag, byte[] value) {
        out.write(tag);
        out.write(value, 0, value.length);
        out.write(0);
    }

    /** The mount(2) option string for spec, as the C core formats it. */
    public static String options(byte[] spec) {
        return PathBytes.decode(Jni.formatOptions(spec));
    }
}
