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

    /**
     * @param ids whether to read device and mount ID too (one more syscall)
     * @throws SyscallException from open(2): ENOENT, ENOTDIR, EACCES, ELOOP ...
     */
    public static Directory resolve(Path p, boolean ids) throws SyscallException {
        long[] values = ids ? new long[2] : null;
        byte[] canonical = Jni.resolveDirectory(PathBytes.of(p), values);
        return new Directory(Paths.get(PathBytes.decode(canonical)), ids ? values[0] : 0, ids ? values[1] : 0);
    }
}
