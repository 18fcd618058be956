package io.overlay4j.internal;

/**
 * Everything the facade asks of the native side: the syscalls, and the C core's own functions
 * (the option string, mountinfo decoding, the errno table). The shim implements it; unit tests
 * of the facade's own logic replace it with a mock. Only {@link JniKernel} calls {@link Jni}.
 */
public interface Kernel {
    /**
     * Mounts the overlay {@code spec} (see {@link OverlaySpec}) on target, refusing it
     * (ESTALE) unless it is still the directory that was resolved, with a strategy code.
     *
     * @param made receives the new mount's never-reused ID (0: the kernel has none) and the
     *        {@link MountFlag} bits it has ({@link MountFlag#UNKNOWN}: not known)
     * @return the new mount's ID as mountinfo shows it, 0 when the kernel does not tell
     */
    long mount(byte[] spec, int flags, Directory target, int strategy, long[] made) throws SyscallException;

    void unmount(byte[] target, int flags) throws SyscallException;

    /**
     * Unmounts target only if the mount on top is the one with mountUid (mountId when the kernel
     * has no never-reused IDs): 0 when done, else the ID found there.
     */
    long unmountIf(byte[] target, long mountId, long mountUid, int flags) throws SyscallException;

    /** Holds the overlay spec's superblock as a detached mount: its descriptor. */
    int detach(byte[] spec, int flags, int strategy) throws SyscallException;

    /** Attaches a clone of the detached mount on target; as {@link #mount}. */
    long attach(int detached, Directory target, int flags, long[] made) throws SyscallException;

    void closeDetached(int detached);

    /** The never-reused ID of the mount on top of path, 0 where the kernel has none. */
    long mountUid(byte[] path) throws SyscallException;

    /**
     * The never-reused IDs of the mounts this process can reach, ascending, into ids: how many
     * (ids.length: perhaps more). listmount(2), Linux 6.8+.
     */
    int listMounts(long[] ids) throws SyscallException;

    /**
     * The layers and options of the overlay mount with this never-reused ID as entries (see
     * {@link MountTable}), null when it is not an overlay; ENOENT when it is gone, EOPNOTSUPP
     * when the kernel does not tell a mount's options. statmount(2), Linux 6.10+.
     */
    byte[] statOverlay(long mountUid) throws SyscallException;

    /**
     * Opens path as a directory (symbolic links followed): its canonical name and identity.
     *
     * @throws SyscallException from open(2): ENOENT, ENOTDIR, EACCES, ELOOP ...; EXDEV when
     *         the canonical name does not lead back to the directory (another mount namespace)
     */
    Directory resolveDirectory(byte[] path) throws SyscallException;

    /** The mount(2) option string of spec (see {@link OverlaySpec}), paths escaped. */
    byte[] formatOptions(byte[] spec);

    /** One line of /proc/self/mountinfo as entries (see {@link MountTable}); null when it is no overlay's. */
    byte[] decodeMountinfo(byte[] line);

    /** The errno with this name ("EBUSY"); 0 for a name the C core's table lacks. */
    int errnoValue(String name);

    /**
     * Every entry of directory dir as o4j_read_dir describes it (name, lstat facts, link target,
     * xattrs; see {@link LayerEntry}); nothing followed through a symbolic link.
     */
    byte[] readDirectory(byte[] dir) throws SyscallException;

    /** The one entry path names, described as by {@link #readDirectory}; null when nothing is there. */
    byte[] describe(byte[] path) throws SyscallException;

    /** The name of errno ("EBUSY"); null for a number the C core's table lacks. */
    String errnoName(int errno);

    /** strerror(3)'s text for errno. */
    byte[] strerror(int errno);

    /** What this kernel's mount table holds, kept current; null where it cannot be watched. */
    MountedOverlays mountedOverlays();

    /** The best strategy code this kernel supports, probed once per process. */
    int bestStrategy();

    /** The kernel behind the shim, loading the shim on first use. */
    static Kernel system() {
        return JniKernel.INSTANCE;
    }
}
