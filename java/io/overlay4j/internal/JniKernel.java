package io.overlay4j.internal;

/** {@link Kernel} through the JNI shim. */
final class JniKernel implements Kernel {
    static final JniKernel INSTANCE = new JniKernel();

    private static final Log LOG = Log.get(JniKernel.class);

    private final MountedOverlays overlays = new MountedOverlays(this);
    private volatile int best;

    private JniKernel() {
    }

    @Override
    public long mount(byte[] spec, int flags, Directory target, int strategy, long[] made)
            throws SyscallException {
        return Jni.mount(spec, flags, target.bytes, target.id, strategy, made);
    }

    @Override
    public long unmountIf(byte[] target, long mountId, long mountUid, int flags) throws SyscallException {
        return Jni.unmountIf(target, mountId, mountUid, flags);
    }

    @Override
    public int detach(byte[] spec, int flags, int strategy) throws SyscallException {
        return Jni.detach(spec, flags, strategy);
    }

    @Override
    public long attach(int detached, Directory target, int flags, long[] made) throws SyscallException {
        return Jni.attach(detached, target.bytes, target.id, flags, made);
    }

    @Override
    public void closeDetached(int detached) {
        Jni.closeDetached(detached);
    }

    @Override
    public long mountUid(byte[] path) throws SyscallException {
        return Jni.mountUid(path);
    }

    @Override
    public void unmount(byte[] target, int flags) throws SyscallException {
        Jni.unmount(target, flags);
    }

    @Override
    public int listMounts(long[] ids) throws SyscallException {
        return Jni.listMounts(ids);
    }

    @Override
    public byte[] statOverlay(long mountUid) throws SyscallException {
        return Jni.statOverlay(mountUid);
    }

    @Override
    public MountedOverlays mountedOverlays() {
        return overlays;
    }

    /** Probed once per class loader, however many threads ask first. */
    @Override
    public int bestStrategy() {
        int b = best;
        if (b == 0) {
            synchronized (this) {
                b = best;
                if (b == 0) {
                    b = Jni.probeStrategy();
                    best = b;
                    LOG.debug("probed the kernel: best mount strategy code {} (1 fd, 2 string, 3 legacy)", b);
                }
            }
        }
        return b;
    }
}
