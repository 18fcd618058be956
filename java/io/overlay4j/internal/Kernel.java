package io.overlay4j.internal;

/**
 * The syscalls the facade makes. The shim implements it; unit tests of the
 * facade's own logic replace it with a mock.
 */
public interface Kernel {
    /**
     * Mounts the overlay {@code spec} (see {@link OverlaySpec}) on target, refusing it
     * (ESTALE) unless it is still the directory that was resolved, with a strategy code.
     *
     * @param made receives the new mount's never-reused ID (0: the kernel has none) and the
     *        Jni.MOUNT_* flags it has ({@link Jni#FLAGS_UNKNOWN}: not known)
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

    /** The best strategy code this kernel supports, probed once. */
    int bestStrategy();

    /** The kernel behind the shim, loading the shim on first use. */
    static Kernel system() {
        return JniKernel.INSTANCE;
    }
}
