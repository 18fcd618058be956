package io.overlay4j;

import io.overlay4j.internal.Kernel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A mounted overlay. {@link #close()} unmounts it; it is idempotent, and after a
 * failed unmount (EBUSY) it can be called again.
 */
public final class OverlayMount implements Closeable {
    private final Overlay overlay;
    private final Path target;
    private final byte[] targetBytes;
    private final Kernel kernel;
    private boolean mounted = true;

    OverlayMount(Overlay overlay, Path target, byte[] targetBytes, Kernel kernel) {
        this.overlay = overlay;
        this.target = target;
        this.targetBytes = targetBytes;
        this.kernel = kernel;
    }

    /** The canonical mount point. */
    public Path target() {
        return target;
    }

    public Overlay overlay() {
        return overlay;
    }

    /** False once this mount has been unmounted through this object. */
    public synchronized boolean isMounted() {
        return mounted;
    }

    /** Unmounts with umount2(2) flags; does nothing if already unmounted through this object. */
    public synchronized void unmount(UnmountOption... options) throws IOException {
        int flags = UnmountOption.bits(options);
        if (mounted) {
            Mounts.unmount(kernel, targetBytes, target, flags);
            mounted = false;
        }
    }

    /** Unmounts; idempotent. */
    @Override
    public void close() throws IOException {
        unmount();
    }

    @Override
    public String toString() {
        return "OverlayMount[" + target + (isMounted() ? "" : ", unmounted") + "]";
    }
}
