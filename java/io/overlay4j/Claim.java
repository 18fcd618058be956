package io.overlay4j;

import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.PathBytes;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one mount (being made, or made) or one detached overlay holds in {@link ActiveMounts}:
 * its target and the identity of its upperdir and workdir. Its holder gives it up with
 * {@link #release()}; it knows no OverlayMount, so the registry keeps none alive.
 */
final class Claim {
    final String target;
    final byte[] targetBytes;
    final Path targetPath;
    /** "dev:ino" of the upperdir and workdir; null when none, or when the caller allowed sharing. */
    final String upper;
    final String work;
    final Overlay overlay;
    final Kernel kernel;
    volatile long mountId;
    /** Never reused, unlike mountId (0: the kernel has none). */
    volatile long mountUid;
    /** Enqueued when the holder is collected while this claim stands (a leak); null until mounted. */
    volatile Reference<?> leak;
    /** An attachment's detached overlay, told once when this claim is given up, however that happens. */
    private final AtomicReference<DetachedOverlay> origin = new AtomicReference<>();

    /** target null: the layers only (a detached overlay); layers false: the target only (an attachment). */
    Claim(Overlay overlay, Kernel kernel, Directory target, boolean layers) {
        this.overlay = overlay;
        this.kernel = kernel;
        this.target = target == null ? null : PathBytes.key(target.bytes);
        this.targetBytes = target == null ? null : target.bytes;
        this.targetPath = target == null ? null : target.path;
        this.upper = overlay.sharesUpper() || !layers ? null : overlay.upperKey();
        this.work = overlay.sharesUpper() || !layers ? null : overlay.workKey();
    }

    /**
     * The mount is made: its IDs, its holder, whose collection while this stands is a leak, and
     * for an attachment its detached overlay (null for a mount).
     */
    void mounted(long id, long uid, Object holder, DetachedOverlay from) {
        if (from != null) {
            from.attached();
            origin.set(from);
        }
        ActiveMounts.mounted(this, id, uid, holder);
    }

    /** Tells an attachment's detached overlay, the first time only, that this claim is given up. */
    void tellOrigin() {
        DetachedOverlay from = origin.getAndSet(null);
        if (from != null) {
            from.detached();
        }
    }

    /** Gives the claim up: the mount failed, or it is unmounted, or the detached overlay closed. */
    void release() {
        ActiveMounts.release(this);
    }

    String describe() {
        return target == null ? "a detached overlay of this process (Overlay.detached(); close it and its "
                + "attachments first)"
                : mountId == 0 ? "an overlay4j mount of this process being made on " + targetPath
                : "the overlay4j mount of this process on " + targetPath + " (mount ID " + mountId + ")";
    }
}
