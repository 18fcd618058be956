package io.overlay4j;

import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.Layers;
import io.overlay4j.internal.Log;
import io.overlay4j.internal.MountTable;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.Refusal;
import io.overlay4j.internal.SyscallException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Operations on mounts by path. */
public final class Mounts {
    private static final Log LOG = Log.get(Mounts.class);

    private Mounts() {
    }

    /**
     * Unmounts whatever is mounted on target (umount2(2)).
     *
     * @param target the mount point
     * @param options umount2(2) flags
     * @throws java.nio.file.FileSystemException with errno EINVAL when target is not a mount point,
     *         EBUSY when it is in use (see {@link UnmountOption#DETACH})
     */
    public static void unmount(Path target, UnmountOption... options) throws IOException {
        unmount(Kernel.system(), target, options);
    }

    /**
     * Unmounts target, retrying while it is busy (EBUSY) until timeout has passed;
     * then throws the last EBUSY.
     *
     * @param target the mount point
     * @param timeout how long to retry while it is busy
     * @param options umount2(2) flags
     * @throws java.nio.file.FileSystemException as {@link #unmount(Path, UnmountOption...)} does, EBUSY once
     *         timeout has passed
     * @throws java.io.InterruptedIOException when the thread is interrupted while waiting (its interrupt
     *         status is set again)
     */
    public static void unmount(Path target, Duration timeout, UnmountOption... options) throws IOException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 1;
        while (true) {
            try {
                unmount(Kernel.system(), target, options);
                return;
            } catch (FileSystemException e) {
                if (((ErrnoException) e).errno() != Errno.EBUSY || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(Math.min(pauseMillis, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to unmount " + target);
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }

    /**
     * The overlay mounts this process sees, in /proc/self/mountinfo order.
     *
     * @return the overlay mounts
     * @throws IOException when /proc/self/mountinfo cannot be read
     */
    public static List<MountInfo> overlays() throws IOException {
        return overlays(Kernel.system());
    }

    static List<MountInfo> overlays(Kernel kernel) throws IOException {
        List<MountInfo> result = new ArrayList<>();
        for (MountTable.Entry e : MountTable.overlays(kernel)) {
            result.add(new MountInfo(e.mountId, PathBytes.toPath(e.target), PathBytes.decode(e.source),
                    Arrays.asList(e.mountOptions.split(",")),
                    paths(e.lowerdirs), paths(e.datadirs), path(e.upperdir), path(e.workdir), e.options));
        }
        return result;
    }

    private static List<Path> paths(List<byte[]> names) {
        List<Path> paths = new ArrayList<>(names.size());
        for (byte[] n : names) {
            paths.add(PathBytes.toPath(n));
        }
        return paths;
    }

    private static Path path(byte[] name) {
        return name == null ? null : PathBytes.toPath(name);
    }

    /**
     * Unmounts exactly the mount m describes (by its mount ID, on the mount point the table
     * gave): if another mount is on top of that mount point now, or m is gone, nothing is
     * unmounted and a FileSystemException says so (EBUSY; EINVAL when it is gone).
     *
     * @param m the mount, as {@link #overlays()} listed it
     * @param options umount2(2) flags
     * @throws java.nio.file.FileSystemException EBUSY when another mount covers it, EINVAL when it is gone,
     *         or the errno of umount2(2)
     */
    public static void unmount(MountInfo m, UnmountOption... options) throws IOException {
        Objects.requireNonNull(m, "mount must not be null");
        byte[] target = PathBytes.of(m.target());
        String action = "unmount " + m.target();
        long found;
        try {
            // The table gives the reusable ID only; read just before, it names this mount.
            found = Kernel.system().unmountIf(target, m.mountId(), 0, UnmountOption.bits(options));
        } catch (SyscallException e) {
            throw ErrnoExceptions.fromSyscall(e, action, m.target().toString());
        }
        if (found != 0) {
            boolean gone = !MountTable.isAt(Kernel.system(), m.mountId(), target);
            throw ErrnoExceptions.precheck(gone ? Errno.EINVAL : Errno.EBUSY, "umount2", m.target().toString(), action, gone
                    ? "mount ID " + m.mountId() + " is no longer mounted"
                    : "another mount (ID " + found + ") now covers mount ID " + m.mountId() + " on " + m.target()
                            + "; it was left alone");
        }
    }

    /**
     * Whether path (a directory, symbolic links resolved) is the root of a mount.
     *
     * @param path the directory
     * @return true when path is the root of a mount
     * @throws java.nio.file.NoSuchFileException when path does not exist
     * @throws IOException when path or its parent cannot be looked at
     */
    public static boolean isMountPoint(Path path) throws IOException {
        Objects.requireNonNull(path, "path must not be null");
        String action = "look up the mount of " + path;
        Directory dir = resolve(Kernel.system(), path, "directory", action);
        Path parent = dir.path.getParent();
        return parent == null || dir.mountId() != resolve(Kernel.system(), parent, "parent directory", action).mountId();
    }

    /** See {@link Layers#resolve}; its refusal as the public exception. */
    static Directory resolve(Kernel kernel, Path p, String role, String action) throws FileSystemException {
        try {
            return Layers.resolve(kernel, p, role, action);
        } catch (Refusal r) {
            throw ErrnoExceptions.of(r);
        }
    }

    /** umount2 resolves the path itself (following links unless NOFOLLOW): nothing to resolve first. */
    static void unmount(Kernel kernel, Path target, UnmountOption... options) throws IOException {
        Objects.requireNonNull(target, "target must not be null");
        byte[] bytes = PathBytes.of(target);
        Path path = target.toAbsolutePath();
        long start = System.nanoTime();
        try {
            // Relative names stay relative: the kernel resolves them against the working directory.
            kernel.unmount(bytes, UnmountOption.bits(options));
        } catch (SyscallException e) {
            throw ErrnoExceptions.fromSyscall(e, "unmount " + path, path.toString());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("unmounted {} in {} us", path, (System.nanoTime() - start) / 1000);
        }
    }
}
