package io.overlay4j.internal;

import java.lang.annotation.Native;

/**
 * The shim's entry points. Constants are shared with C through the header
 * {@code javac -h} generates; the shim checks them against the core's at compile time.
 */
public final class Jni {
    @Native public static final int UNMOUNT_FORCE = 0x01;
    @Native public static final int UNMOUNT_DETACH = 0x02;
    @Native public static final int UNMOUNT_EXPIRE = 0x04;
    @Native public static final int UNMOUNT_NOFOLLOW = 0x08;

    /** Bumped whenever a native method's signature or meaning changes; see NativeLibrary. */
    @Native public static final int INTERFACE_VERSION = 8;

    @Native public static final int STRATEGY_FD = 1;
    @Native public static final int STRATEGY_STRING = 2;
    @Native public static final int STRATEGY_LEGACY = 3;

    static {
        NativeLibrary.load();
    }

    private Jni() {
    }

    /**
     * Mounts the overlay spec (see {@link OverlaySpec}) on target, which must still be the
     * directory targetId (device, inode, mount ID) names; returns the new mount's ID (0: unknown)
     * and puts its never-reused ID (0: unknown) into made[0] and the {@link MountFlag} bits it has into
     * made[1] ({@link MountFlag#UNKNOWN}: not known).
     */
    static native long mount(byte[] spec, int flags, byte[] target, long[] targetId, int strategy, long[] made)
            throws SyscallException;

    /** The never-reused ID of the mount on top of path (0: the kernel has none). */
    static native long mountUid(byte[] path) throws SyscallException;

    static native void unmount(byte[] target, int flags) throws SyscallException;

    /**
     * Unmounts target if the mount with mountUid (or, when 0, mountId) is on top: 0 when done,
     * else the ID of the mount found there.
     */
    static native long unmountIf(byte[] target, long mountId, long mountUid, int flags) throws SyscallException;

    /**
     * Opens path as a directory: returns its canonical path, and puts its device, inode, mount ID
     * and the magic number of its filesystem (statfs f_type, 0: unknown) into id.
     */
    static native byte[] resolveDirectory(byte[] path, long[] id) throws SyscallException;

    /** Creates the overlay's superblock as a detached mount (see o4j_detach): returns its descriptor. */
    static native int detach(byte[] spec, int flags, int strategy) throws SyscallException;

    /** Attaches a clone of the detached mount fd on target (see o4j_attach); as {@link #mount}. */
    static native long attach(int fd, byte[] target, long[] targetId, int flags, long[] made) throws SyscallException;

    static native void closeDetached(int fd);

    /**
     * Every entry of the directory dir, described as o4j_read_dir does (name, lstat facts, link
     * target, extended attributes); no symbolic link is followed, dir's own neither.
     */
    static native byte[] readDirectory(byte[] dir) throws SyscallException;

    /** The entry path names, described as by {@link #readDirectory}; null when nothing is there. */
    static native byte[] describe(byte[] path) throws SyscallException;

    static native int probeStrategy();

    static native byte[] formatOptions(byte[] spec);

    /** One mountinfo line of an overlay as entries (see o4j_decode_mountinfo); null for other lines. */
    static native byte[] decodeMountinfo(byte[] line);

    /** See {@link Kernel#listMounts}. */
    static native int listMounts(long[] ids) throws SyscallException;

    /** See {@link Kernel#statOverlay}. */
    static native byte[] statOverlay(long mountUid) throws SyscallException;

    static native String errnoName(int errno);

    static native int errnoValue(String name);

    static native byte[] strerror(int errno);

    /** INTERFACE_VERSION as the shim was compiled. */
    static native int interfaceVersion();
}
