package io.overlay4j;

import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.SyscallException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    private volatile int fd;
    /**
     * Attachments still mounted; the layers are released when this and they are all closed.
     * Counted without this object's lock: an attachment's claim may be dropped (a leak noticed,
     * an unmount behind its back) by a thread that holds another detached overlay's lock.
     */
    private final AtomicInteger attached = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();

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
        return overlay.place(target, this);
    }

    /** Attaches a clone of the detached mount on dir (see {@link Kernel#attach}). */
    long attachOn(Directory dir, long[] made) throws SyscallException {
        return kernel.attach(fd, dir, MountFlag.STRICT_PATHS, made);
    }

    /** An attachment is mounted (its claim counts it; see {@link Claim#mounted}). */
    void attached() {
        attached.incrementAndGet();
    }

    /** An attachment's claim was given up: it was unmounted, or found gone, or its holder failed. */
    void detached() {
        attached.decrementAndGet();
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
        if (fd < 0 && attached.get() == 0 && released.compareAndSet(false, true)) {
            layers.release();
        }
    }

    @Override
    public synchronized String toString() {
        return "DetachedOverlay[" + overlay + (fd < 0 ? ", closed" : "") + ", " + attached.get() + " attached]";
    }
}
