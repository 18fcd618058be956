package io.overlay4j;

import io.overlay4j.internal.Errno;
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
    private static final int BUSY_RETRIES = 10;

    private final Overlay overlay;
    private final Path target;
    private final byte[] targetBytes;
    private final long mountId;
    /** The never-reused ID (0: the kernel has none): mount IDs are reused once a mount is gone. */
    private final long mountUid;
    private final Kernel kernel;
    private final Claim claim;
    private boolean mounted = true;

    OverlayMount(Overlay overlay, Path target, byte[] targetBytes, long mountId, long mountUid, Kernel kernel,
            Claim claim) {
        this.overlay = overlay;
        this.target = target;
        this.targetBytes = targetBytes;
        this.mountId = mountId;
        this.mountUid = mountUid;
        this.kernel = kernel;
        this.claim = claim;
    }

    /**
     * The mount point: absolute, symbolic links resolved.
     *
     * @return the mount point
     */
    public Path target() {
        return target;
    }

    /**
     * The kernel's ID of this mount (as in /proc/self/mountinfo); 0 if the kernel did not tell.
     *
     * @return the mount ID, or 0
     */
    public long mountId() {
        return mountId;
    }

    /**
     * The overlay this mount was made from.
     *
     * @return the overlay
     */
    public Overlay overlay() {
        return overlay;
    }

    /**
     * This mount as the mount table describes it now: the options and flags the kernel
     * actually uses, which can differ from those asked for (a read-only fallback,
     * redirect_dir=nofollow on a filesystem without xattrs ...), and where it is.
     *
     * @return the mount table's description of this mount
     * @throws java.nio.file.NoSuchFileException when it is no longer mounted
     */
    public MountInfo info() throws IOException {
        for (MountInfo m : Mounts.overlays(kernel)) {
            if (m.mountId() == mountId) {
                return m;
            }
        }
        throw ErrnoExceptions.precheck(Errno.ENOENT, "mountinfo", target.toString(), "describe " + this, "mount ID " + mountId
                + " is no longer in this process's mount table: it was unmounted");
    }

    /**
     * False once this mount has been unmounted through this object.
     *
     * @return true until this object has unmounted it
     */
    public synchronized boolean isMounted() {
        return mounted;
    }

    /**
     * Unmounts with umount2(2) flags; does nothing if already unmounted through this
     * object. Only this mount is removed: if another mount now covers the target,
     * nothing is unmounted and a FileSystemException (EBUSY) says so; if this mount
     * was already removed by someone else, there is nothing left to do.
     *
     * @param options umount2(2) flags
     * @throws java.nio.file.FileSystemException EBUSY when the mount is busy or another mount covers it,
     *         or the errno of umount2(2)
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
            // Not on top of its target: moved (a parent renamed, mount --move), covered, or gone
            // (and its reusable ID perhaps given to another mount since: never that one's to touch).
            MountTable.Entry entry = found == mountId ? null : MountTable.byId(kernel, mountId);
            byte[] now = entry == null ? null : entry.target;
            boolean moved = now != null && !Arrays.equals(now, targetBytes);
            if (now != null && !(moved && mountUid != 0 && uidAt(now) == mountUid) && !overlay.isShownBy(entry)) {
                now = null; // another mount under this mount's old ID: this one is gone
            }
            if (now != null && lost != null && !moved) {
                throw lost;
            }
            if (now != null && moved) {
                found = unmountOnce(now, flags, 0);
            }
            if (found != 0 && now != null) {
                Path where = PathBytes.toPath(now);
                throw ErrnoExceptions.precheck(Errno.EBUSY, "umount2", where.toString(), "unmount " + target, "another mount (ID "
                        + found + ") now covers this overlay (ID " + mountId + ") on " + where
                        + (moved ? ", where it was moved from " + target : "")
                        + "; it was left alone: unmount that one first, then close this");
            }
        }
        mounted = false;
        claim.release();
        if (LOG.isDebugEnabled()) {
            LOG.debug("unmounted overlay on {} (mount ID {}) in {} us{}", target, mountId,
                    (System.nanoTime() - start) / 1000, found != 0 ? ", already gone" : "");
        }
    }

    private long uidAt(byte[] path) {
        try {
            return kernel.mountUid(path);
        } catch (SyscallException e) {
            return 0;
        }
    }

    /**
     * A path lookup in progress (another thread resolving this target, a stat of the
     * mount point) keeps a mount busy for microseconds: retry EBUSY, backing off from 1 to
     * 16 ms (about 0.1 s in all, for threads that keep looking), before reporting it. A mount
     * kept busy by open files stays busy.
     */
    private long unmountOnce(byte[] where, int flags, int attempt) throws IOException {
        try {
            return kernel.unmountIf(where, mountId, mountUid, flags);
        } catch (SyscallException e) {
            if (attempt < BUSY_RETRIES && e.errno() == Errno.EBUSY) {
                try {
                    Thread.sleep(Math.min(1 << attempt, 16));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw ErrnoExceptions.fromSyscall(e, "unmount " + target, target.toString());
                }
                return unmountOnce(where, flags, attempt + 1);
            }
            throw ErrnoExceptions.fromSyscall(e, "unmount " + target, target.toString());
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
