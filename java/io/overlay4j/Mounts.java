package io.overlay4j;

import io.overlay4j.internal.Errors;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.Log;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Operations on mounts by path. */
public final class Mounts {
    private static final Log LOG = Log.get(Mounts.class);

    private Mounts() {
    }

    /**
     * Unmounts whatever is mounted on target (umount2(2)).
     *
     * @throws java.nio.file.FileSystemException with errno EINVAL when target is not a mount point,
     *         EBUSY when it is in use (see {@link UnmountOption#DETACH})
     */
    public static void unmount(Path target, UnmountOption... options) throws IOException {
        unmount(Kernel.system(), target, options);
    }

    static void unmount(Kernel kernel, Path target, UnmountOption... options) throws IOException {
        Objects.requireNonNull(target, "target must not be null");
        int flags = UnmountOption.bits(options);
        Path path = target.toAbsolutePath();
        // Canonical like a mount's own target, unless asked not to follow symbolic links.
        if ((flags & UnmountOption.NOFOLLOW.bit) == 0 && Files.exists(path)) {
            path = path.toRealPath();
        }
        unmount(kernel, PathBytes.of(path), path, flags);
    }

    static void unmount(Kernel kernel, byte[] targetBytes, Path target, int flags) throws IOException {
        long start = System.nanoTime();
        try {
            kernel.unmount(targetBytes, flags);
        } catch (SyscallException e) {
            throw Errors.fromSyscall(e, "unmount " + target, target.toString());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("unmounted {} in {} us", target, (System.nanoTime() - start) / 1000);
        }
    }
}
