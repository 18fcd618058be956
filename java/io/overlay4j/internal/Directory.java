package io.overlay4j.internal;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A directory as the kernel resolved it: its canonical name (bytes, and the Path of
 * exactly those bytes) and its identity, which mounting checks again.
 */
public final class Directory {
    /** Absolute, symbolic links resolved. */
    public final Path path;
    public final byte[] bytes;
    /** Device, inode and mount ID (0: the kernel did not tell), as the C core's struct o4j_id. */
    final long[] id;
    /** The magic number of the filesystem it is on (statfs f_type; 0: unknown). */
    public final long fsType;

    /** resolved: device, inode, mount ID and filesystem magic, as {@link Jni#resolveDirectory} gives them. */
    Directory(byte[] bytes, long[] resolved) {
        this.bytes = bytes;
        this.path = PathBytes.toPath(bytes);
        this.id = Arrays.copyOf(resolved, 3);
        this.fsType = resolved[3];
    }

    public long device() {
        return id[0];
    }

    public long inode() {
        return id[1];
    }

    public long mountId() {
        return id[2];
    }
}
