package io.overlay4j;

import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.SyscallException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An overlay whose superblock is made once and held as a detached mount ({@link Overlay#detached()}),
 * to be attached where it is needed: each {@link #attach(Path)} is a clone of that mount
 * ({@code open_tree(OPEN_TREE_CLONE)}, {@code move_mount}), far cheaper than making the
 * overlay again, and every attachment shares the one superblock, so one upperdir serves
 * several targets at once, safely. Its upperdir and workdir stay claimed (no other overlay
 * may use them) until it and all its attachments are closed. Safe to use from several threads.
 */
public final class DetachedOverlay implements Closeable {
    private final Overlay overlay;
    private final Kernel kernel;
    private final Claim layers;
    /** The detached mount's descriptor; -1 once closed. */
    private int fd;
    /** Attachments still mounted; the layers are released when this and they are all closed. */
    private int attached;

    DetachedOverlay(Overlay overlay, Kernel kernel, Claim layers, int fd) {
        this.overlay = overlay;
        this.kernel = kernel;
        this.layers = layers;
        this.fd = fd;
    }

    /**
     * The overlay this holds.
     *
     * @return the overlay made detached
     */
    public Overlay overlay() {
        return overlay;
    }

    /**
     * Mounts a clone of this overlay on target, an existing directory; closing the returned
     * mount unmounts that attachment only. It has every guarantee of {@link Overlay#mount(Path)}:
     * the target is opened without following links swapped in, checked, never stacked on
     * another overlay4j mount of this process, and unmounted only while it is this mount.
     *
     * @param target the directory to attach on
     * @return the attachment; closing it unmounts it
     * @throws IllegalStateException when this detached overlay is closed
     * @throws IOException a {@link java.nio.file.FileSystemException} as for {@link Overlay#mount(Path)}
     */
    public synchronized OverlayMount attach(Path target) throws IOException {
        if (fd < 0) {
            throw new IllegalStateException("this detached overlay is closed; make another with Overlay.detached()");
        }
        OverlayMount m = overlay.place(target, this);
        attached++;
        return m;
    }

    /** Attaches a clone of the detached mount on dir (see {@link Kernel#attach}). */
    long attachOn(Directory dir, long[] made) throws SyscallException {
        return kernel.attach(fd, dir, MountFlag.STRICT_PATHS, made);
    }

    /** An attachment was unmounted. */
    synchronized void detached() {
        attached--;
        releaseIfDone();
    }

    /**
     * Releases the detached mount. Attachments still mounted stay valid, each until its own
     * close(); the upperdir and workdir are free for other overlays once they are all closed too.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            kernel.closeDetached(fd);
            fd = -1;
            releaseIfDone();
        }
    }

    private void releaseIfDone() {
        if (fd < 0 && attached == 0) {
            layers.release();
        }
    }

    @Override
    public synchronized String toString() {
        return "DetachedOverlay[" + overlay + (fd < 0 ? ", closed" : "") + ", " + attached + " attached]";
    }
}
