package io.overlay4j;

import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.PathBytes;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A mounted overlay. {@link #close()} unmounts it; it is idempotent, and after a
 * failed unmount (EBUSY) it can be called again.
 */
public final class OverlayMount implements Closeable {
    private final Overlay overlay;
    private final byte[] targetBytes;
    private final Kernel kernel;
    private Path target;
    private boolean mounted = true;

    OverlayMount(Overlay overlay, byte[] targetBytes, Kernel kernel) {
        this.overlay = overlay;
        this.targetBytes = targetBytes;
        this.kernel = kernel;
    }

    /** The mount point: absolute, symbolic links resolved, as it was when mounted. */
    public synchronized Path target() {
        if (target == null) {
            target = Paths.get(PathBytes.decode(targetBytes));
        }
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
            Mounts.unmount(kernel, targetBytes, target(), flags);
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
        return "OverlayMount[" + target() + (isMounted() ? "" : ", unmounted") + "]";
    }
}
