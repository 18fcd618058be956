package io.overlay4j.internal;

import java.nio.file.Path;
import java.nio.file.Paths;

/** A directory as the kernel resolved it: one open, readlink and statx in the C core. */
public final class Directory {
    /** Absolute, symbolic links resolved. */
    public final Path path;
    public final long device;
    public final long mountId;

    private Directory(Path path, long device, long mountId) {
        this.path = path;
        this.device = device;
        this.mountId = mountId;
    }

    /** @throws SyscallException from open(2): ENOENT, ENOTDIR, EACCES, ELOOP ... */
    public static Directory resolve(Path p) throws SyscallException {
        long[] ids = new long[2];
        byte[] canonical = Jni.resolveDirectory(PathBytes.of(p), ids);
        return new Directory(Paths.get(PathBytes.decode(canonical)), ids[0], ids[1]);
    }
}
