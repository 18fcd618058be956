package io.overlay4j.internal;

/** {@link Kernel} through the JNI shim. */
final class JniKernel implements Kernel {
    static final JniKernel INSTANCE = new JniKernel();

    private volatile int best;

    private JniKernel() {
    }

    @Override
    public long mount(byte[] spec, int flags, byte[] target, int strategy) throws SyscallException {
        return Jni.mount(spec, flags, target, strategy);
    }

    @Override
    public long unmountIf(byte[] target, long mountId, int flags) throws SyscallException {
        return Jni.unmountIf(target, mountId, flags);
    }

    @Override
    public void unmount(byte[] target, int flags) throws SyscallException {
        Jni.unmount(target, flags);
    }

    @Override
    public int bestStrategy() {
        int b = best;
        if (b == 0) {
            b = Jni.probeStrategy();
            best = b;
        }
        return b;
    }
}
