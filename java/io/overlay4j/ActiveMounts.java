package io.overlay4j;

import io.overlay4j.internal.Errors;
import io.overlay4j.internal.MountTable;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The overlay4j mounts of this process, by canonical target (its bytes, one char
 * per byte: {@link io.overlay4j.internal.PathBytes#key}), so that two of them
 * are never stacked on one target: umount2 removes whatever is on top, and a stack
 * of our own mounts would let one close() take down the other.
 */
final class ActiveMounts {
    /** Held while a thread mounts on the target, before its OverlayMount exists. */
    private static final Object MOUNTING = new Object();
    private static final ConcurrentMap<String, Object> BY_TARGET = new ConcurrentHashMap<>();

    private ActiveMounts() {
    }

    /** Claims target for a mount, or says why it cannot be: one of our mounts is there, or being made. */
    static void reserve(String target, Path path, String action) throws IOException {
        while (true) {
            Object holder = BY_TARGET.putIfAbsent(target, MOUNTING);
            if (holder == null) {
                return;
            }
            if (holder == MOUNTING) {
                throw busy(path, action, "another thread of this process is mounting an overlay on it right now");
            }
            OverlayMount m = (OverlayMount) holder;
            // An ID of 0 (the kernel did not tell): assume it is there.
            if (m.isMounted() && (m.mountId() == 0 || MountTable.contains(m.mountId()))) {
                throw busy(path, action, "it already holds an overlay4j mount of this process (mount ID "
                        + m.mountId() + "); close that one first, or mount on another directory");
            }
            // Closed, or unmounted behind its back (Mounts.unmount, umount(8)): the claim is stale.
            if (BY_TARGET.replace(target, m, MOUNTING)) {
                return;
            }
        }
    }

    /** Replaces the reservation by the mount made under it. */
    static void register(String target, OverlayMount m) {
        BY_TARGET.put(target, m);
    }

    /** Gives up a reservation (the mount failed) or the claim of a closed mount. */
    static void release(String target, Object holder) {
        BY_TARGET.remove(target, holder == null ? MOUNTING : holder);
    }

    private static FileSystemException busy(Path target, String action, String why) {
        return Errors.precheck("EBUSY", "mount", target.toString(), action, "target " + target + ": " + why);
    }
}
