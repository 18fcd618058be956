package io.overlay4j.internal;

import java.nio.file.Path;

/** For tests: an xattr of any namespace (trusted.* included), read as the change walk reads it. */
public final class Xattrs {
    private Xattrs() {
    }

    /** The value of name on path (not following a symbolic link), or null. */
    public static byte[] get(Path path, String name) throws SyscallException {
        byte[] blob = Jni.describe(PathBytes.of(path));
        return blob == null ? null : LayerEntry.parse(blob).get(0).xattr(name);
    }
}
