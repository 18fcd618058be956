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
     * @param flagsSeen receives the Jni.MOUNT_* flags the new mount has ({@link Jni#FLAGS_UNKNOWN}: not known)
     * @return the new mount's ID, 0 when the kernel does not tell
     */
    long mount(byte[] spec, int flags, Directory target, int strategy, int[] flagsSeen) throws SyscallException;

    void unmount(byte[] target, int flags) throws SyscallException;

    /** Unmounts target only if the mount on top is mountId: 0 when done, else the ID found there. */
    long unmountIf(byte[] target, long mountId, int flags) throws SyscallException;

    /** The best strategy code this kernel supports, probed once. */
    int bestStrategy();

    /** The kernel behind the shim, loading the shim on first use. */
    static Kernel system() {
        return JniKernel.INSTANCE;
    }
}
