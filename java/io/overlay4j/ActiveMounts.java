package io.overlay4j;

import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.Log;
import io.overlay4j.internal.MountTable;
import io.overlay4j.internal.MountedOverlays;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.SyscallException;

import java.io.IOException;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The overlay4j mounts of this process, as small {@link Claim}s: by canonical target, so
 * that two of them are never stacked on one target (umount2 removes whatever is on top,
 * and a stack of our own mounts would let one close() take down the other), and by the
 * identity of their upperdir and workdir, so that no two use one (the kernel allows it
 * with index=off and calls the result undefined). Claims hold no OverlayMount: one that
 * becomes unreachable while mounted is reported, and claims whose mount someone else
 * removed are dropped, so the registry grows with the live mounts, not with history.
 */
final class ActiveMounts {
    private static final Log LOG = Log.get(ActiveMounts.class);
    private static final ConcurrentMap<String, Claim> BY_TARGET = new ConcurrentHashMap<>();
    /** Upperdirs and workdirs in use, by "dev:ino". */
    private static final ConcurrentMap<String, Claim> BY_LAYER = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> UNREACHABLE = new ReferenceQueue<>();
    /** The claims whose holder (an OverlayMount) must not be collected while they stand, by its reference. */
    private static final ConcurrentMap<Reference<?>, Claim> WATCHED = new ConcurrentHashMap<>();
    /** Sweep for claims of mounts removed behind our back when the registry has grown past this. */
    private static volatile int sweepAt = 64;

    private ActiveMounts() {
    }

    /**
     * Claims target for a mount (verb "mount"; with layers, also the upperdir and workdir of ov
     * unless it shares them on purpose) or an attachment ("attach", whose detached overlay holds
     * the layers); or says who holds what (EBUSY): another mount of this process, or a mount the
     * mount table lists with that upperdir or workdir.
     */
    static Claim claim(Overlay ov, Kernel kernel, Directory target, String verb, boolean layers) throws IOException {
        return claim(ov, kernel, target, verb, target.path, layers);
    }

    /** The upperdir and workdir only, for a detached overlay, which its attachments then share. */
    static Claim claimLayers(Overlay ov, Kernel kernel, String action) throws IOException {
        return claim(ov, kernel, null, action, null, true);
    }

    /** What failed, for a message: "mount overlay on /t"; built only when something did. */
    private static String action(String verb, Path targetPath) {
        return targetPath == null ? verb : verb + " overlay on " + targetPath;
    }

    private static Claim claim(Overlay ov, Kernel kernel, Directory dir, String verb, Path targetPath, boolean layers)
            throws IOException {
        reportLeaks();
        sweepIfGrown(kernel);
        Claim c = new Claim(ov, kernel, dir, layers);
        while (c.target != null) {
            Claim held = BY_TARGET.putIfAbsent(c.target, c);
            if (held == null) {
                break;
            }
            if (held.mountId != 0 && isGone(held)) {
                release(held); // unmounted behind its back (Mounts.unmount, umount(8))
                continue;
            }
            throw busy(targetPath, action(verb, targetPath), "target " + targetPath + " already holds "
                    + held.describe() + "; close that one first, or mount on another directory");
        }
        try {
            take(c, c.upper, ov, "upperdir", verb, targetPath);
            take(c, c.work, ov, "workdir", verb, targetPath);
            MountedOverlays table = kernel.mountedOverlays();
            if (c.upper != null && (table == null || table.mayUse(ov.upperBytes(), ov.workBytes()))) {
                inMountTable(ov, kernel, action(verb, targetPath));
            }
        } catch (IOException | RuntimeException | Error e) {
            release(c);
            throw e;
        }
        return c;
    }

    private static void take(Claim c, String key, Overlay ov, String role, String verb, Path targetPath)
            throws IOException {
        while (key != null) {
            Claim held = BY_LAYER.putIfAbsent(key, c);
            if (held == null || held == c) {
                return;
            }
            if (held.mountId != 0 && isGone(held)) {
                release(held);
                continue;
            }
            Path dir = role.equals("upperdir") ? ov.upperdir().get() : ov.workdir().get();
            throw inUse(ov, action(verb, targetPath), role + " " + dir + " is in use by " + held.describe());
        }
    }

    /** Other processes' overlays (and ours made before a restart) with this upperdir or workdir. */
    private static void inMountTable(Overlay ov, Kernel kernel, String action) throws IOException {
        byte[] upper = ov.upperBytes();
        byte[] work = ov.workBytes();
        for (MountTable.Entry e : MountTable.overlays(kernel)) {
            for (byte[] used : Arrays.asList(e.upperdir, e.workdir)) {
                if (MountTable.names(used, upper) || MountTable.names(used, work)) {
                    String role = MountTable.names(used, upper) ? "upperdir " + ov.upperdir().get()
                            : "workdir " + ov.workdir().get();
                    throw inUse(ov, action, role + " is in use by the overlay mounted on "
                            + io.overlay4j.internal.PathBytes.toPath(e.target) + " (mount ID " + e.mountId + ")");
                }
            }
        }
    }

    private static FileSystemException inUse(Overlay ov, String action, String why) {
        return ErrnoExceptions.precheck(Errno.EBUSY, "mount", ov.upperdir().get().toString(), action, why
                + "; the kernel lets two overlays share one only with undefined results. Give each mount its own "
                + "upperdir and workdir, or mount once and bind-mount that mount where else it is needed "
                + "(Builder.allowSharedUpperdir(), or mount --allow-shared-upperdir, opts into the kernel's "
                + "behaviour)");
    }

    /** The mount is made: its IDs, and the holder whose collection while the claim stands is a leak. */
    static void mounted(Claim c, long mountId, long mountUid, Object holder) {
        c.mountId = mountId;
        c.mountUid = mountUid;
        Reference<Object> leak = new PhantomReference<>(holder, UNREACHABLE);
        c.leak = leak;
        WATCHED.put(leak, c);
    }

    /** Gives up a claim: the mount failed, or it is unmounted. */
    static void release(Claim c) {
        Reference<?> leak = c.leak;
        if (leak != null) {
            WATCHED.remove(leak);
            leak.clear();
        }
        if (c.target != null) {
            BY_TARGET.remove(c.target, c);
        }
        releaseLayers(c);
        c.tellOrigin();
    }

    private static void releaseLayers(Claim c) {
        if (c.upper != null) {
            BY_LAYER.remove(c.upper, c);
        }
        if (c.work != null) {
            BY_LAYER.remove(c.work, c);
        }
    }

    /**
     * Whether the claim's mount is gone: not on its target, nor anywhere else it was moved to
     * (a parent renamed). The kernel reuses mount IDs, so a mount is known by its never-reused
     * ID, or, on kernels without one, by its reusable ID together with its source and layers.
     */
    private static boolean isGone(Claim c) throws IOException {
        if (c.target == null) {
            return false; // a detached overlay's: released by its close()
        }
        if (c.mountUid != 0) {
            if (uidAt(c, c.targetBytes) == c.mountUid) {
                return false;
            }
            MountTable.Entry moved = MountTable.byId(c.kernel, c.mountId);
            return moved == null || uidAt(c, moved.target) != c.mountUid;
        }
        MountTable.Entry e = MountTable.byId(c.kernel, c.mountId);
        return e == null || !c.overlay.isShownBy(e);
    }

    private static long uidAt(Claim c, byte[] path) {
        try {
            return c.kernel.mountUid(path);
        } catch (SyscallException e) {
            return 0; // nothing there now
        }
    }

    /** One WARN for each OverlayMount collected while mounted; the mount itself stays. */
    private static void reportLeaks() throws IOException {
        for (Reference<?> r; (r = UNREACHABLE.poll()) != null;) {
            Claim c = WATCHED.remove(r);
            if (c != null && BY_TARGET.get(c.target) == c) {
                if (!isGone(c)) { // and not unmounted behind its back (Mounts.unmount, umount(8)) either
                    LOG.warn("an OverlayMount was garbage-collected without close(): the overlay on {} (mount ID {}) "
                            + "stays mounted; close() every OverlayMount, or unmount it with Mounts.unmount or "
                            + "umount(8)", c.targetPath, c.mountId);
                }
                release(c);
            }
        }
    }

    /** Drops the claims of mounts removed behind our back, once the registry has doubled since the last sweep. */
    private static void sweepIfGrown(Kernel kernel) throws IOException {
        if (BY_TARGET.size() < sweepAt) {
            return;
        }
        Set<String> live = new HashSet<>();
        for (MountTable.Entry e : MountTable.overlays(kernel)) {
            live.add(e.mountId + " " + new String(e.target, StandardCharsets.ISO_8859_1));
        }
        for (Claim c : BY_TARGET.values()) {
            // Not listed at its target: gone, or moved, which isGone tells apart.
            if (c.mountId != 0 && !live.contains(c.mountId + " " + c.target) && isGone(c)) {
                release(c);
            }
        }
        sweepAt = Math.max(64, 2 * BY_TARGET.size());
    }

    /** How many claims the registry holds (for tests of its growth). */
    static int size() {
        return BY_TARGET.size();
    }

    private static FileSystemException busy(Path target, String action, String why) {
        return ErrnoExceptions.precheck(Errno.EBUSY, "mount", target.toString(), action, why);
    }
}
