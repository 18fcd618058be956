package io.overlay4j.internal;

/**
 * The syscalls the facade makes. The shim implements it; unit tests of the
 * facade's own logic replace it with a mock.
 */
public interface Kernel {
    /**
     * Mounts the overlay {@code spec} (see {@link OverlaySpec}) on target with a strategy code.
     *
     * @return the target as mounted on: absolute, symbolic links resolved
     */
    byte[] mount(byte[] spec, int flags, byte[] target, int strategy) throws SyscallException;

    void unmount(byte[] target, int flags) throws SyscallException;

    /** The best strategy code this kernel supports, probed once. */
    int bestStrategy();

    /** The kernel behind the shim, loading the shim on first use. */
    static Kernel system() {
        return JniKernel.INSTANCE;
    }
}
