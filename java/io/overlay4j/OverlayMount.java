package io.overlay4j;

import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Errors;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.Log;
import io.overlay4j.internal.MountTable;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.SyscallException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A mounted overlay. {@link #close()} unmounts it; it is idempotent, and after a
 * failed unmount (EBUSY) it can be called again. Safe to use from several threads.
 */
public final class OverlayMount implements Closeable {
    private static final Log LOG = Log.get(OverlayMount.class);
    private static final int BUSY_RETRIES = 5;

    private final Overlay overlay;
    private final Path target;
    private final byte[] targetBytes;
    private final long mountId;
    private final Kernel kernel;
    private final ActiveMounts.Claim claim;
    private boolean mounted = true;

    OverlayMount(Overlay overlay, Path target, byte[] targetBytes, long mountId, Kernel kernel,
            ActiveMounts.Claim claim) {
        this.overlay = overlay;
        this.target = target;
        this.targetBytes = targetBytes;
        this.mountId = mountId;
        this.kernel = kernel;
        this.claim = claim;
    }

    /** The mount point: absolute, symbolic links resolved. */
    public Path target() {
        return target;
    }

    /** The kernel's ID of this mount (as in /proc/self/mountinfo); 0 if the kernel did not tell. */
    public long mountId() {
        return mountId;
    }

    public Overlay overlay() {
        return overlay;
    }

    /**
     * This mount as the mount table describes it now: the options and flags the kernel
     * actually uses, which can differ from those asked for (a read-only fallback,
     * redirect_dir=nofollow on a filesystem without xattrs ...), and where it is.
     *
     * @throws java.nio.file.NoSuchFileException when it is no longer mounted
     */
    public MountInfo info() throws IOException {
        for (MountInfo m : Mounts.overlays()) {
            if (m.mountId() == mountId) {
                return m;
            }
        }
        throw Errors.precheck("ENOENT", "mountinfo", target.toString(), "describe " + this, "mount ID " + mountId
                + " is no longer in this process's mount table: it was unmounted");
    }

    /** False once this mount has been unmounted through this object. */
    public synchronized boolean isMounted() {
        return mounted;
    }

    /**
     * Unmounts with umount2(2) flags; does nothing if already unmounted through this
     * object. Only this mount is removed: if another mount now covers the target,
     * nothing is unmounted and a FileSystemException (EBUSY) says so; if this mount
     * was already removed by someone else, there is nothing left to do.
     */
    public synchronized void unmount(UnmountOption... options) throws IOException {
        int flags = UnmountOption.bits(options);
        if (!mounted) {
            return;
        }
        long start = System.nanoTime();
        long found;
        FileSystemException lost = null;
        try {
            found = unmountOnce(targetBytes, flags, 0);
        } catch (NoSuchFileException | NotDirectoryException e) {
            found = -1; // the target's name leads nowhere now
            lost = e;
        }
        if (found != 0) {
            // Not on top of its target: moved (a parent renamed, mount --move), covered, or gone.
            MountTable.Entry entry = MountTable.byId(mountId);
            byte[] now = entry == null ? null : entry.target;
            if (now != null && !Arrays.equals(now, targetBytes)) {
                if (!isThisOverlay(entry)) {
                    // Most likely gone, and its ID given to another mount since: not ours to touch.
                    throw Errors.precheck("EINVAL", "umount2", target.toString(), "unmount " + target, "this "
                            + "overlay (mount ID " + mountId + ") is no longer on " + target + ", and the mount "
                            + "with that ID now, on " + PathBytes.toPath(now) + ", has other layers; it was left "
                            + "alone");
                }
                found = unmountOnce(now, flags, 0);
            } else if (now != null && lost != null) {
                throw lost;
            }
            if (found != 0 && now != null) {
                Path where = PathBytes.toPath(now);
                throw Errors.precheck("EBUSY", "umount2", where.toString(), "unmount " + target, "another mount (ID "
                        + found + ") now covers this overlay (ID " + mountId + ") on " + where
                        + (Arrays.equals(now, targetBytes) ? "" : ", where it was moved from " + target)
                        + "; it was left alone: unmount that one first, then close this");
            }
        }
        mounted = false;
        ActiveMounts.release(claim);
        if (LOG.isDebugEnabled()) {
            LOG.debug("unmounted overlay on {} (mount ID {}) in {} us{}", target, mountId,
                    (System.nanoTime() - start) / 1000, found != 0 ? ", already gone" : "");
        }
    }

    /** Whether a mount table entry shows this overlay's source and layers. */
    private boolean isThisOverlay(MountTable.Entry e) {
        if (!overlay.source().equals(PathBytes.decode(e.source)) || e.lowerdirs.size() != overlay.lowerdirs().size()) {
            return false;
        }
        for (int i = 0; i < e.lowerdirs.size(); i++) {
            if (!Arrays.equals(e.lowerdirs.get(i), PathBytes.of(overlay.lowerdirs().get(i)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A path lookup in progress (another thread resolving this target, a stat of the
     * mount point) keeps a mount busy for microseconds: retry EBUSY a few times,
     * briefly, before reporting it. A mount kept busy by open files stays busy.
     */
    private long unmountOnce(byte[] where, int flags, int attempt) throws IOException {
        try {
            return kernel.unmountIf(where, mountId, flags);
        } catch (SyscallException e) {
            if (attempt < BUSY_RETRIES && "EBUSY".equals(Errno.name(e.errno()))) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw Errors.fromSyscall(e, "unmount " + target, target.toString());
                }
                return unmountOnce(where, flags, attempt + 1);
            }
            throw Errors.fromSyscall(e, "unmount " + target, target.toString());
        }
    }

    /** Unmounts; idempotent. */
    @Override
    public void close() throws IOException {
        unmount();
    }

    @Override
    public String toString() {
        return "OverlayMount[" + target + " mount ID " + mountId + (isMounted() ? "" : ", unmounted") + "]";
    }
}
