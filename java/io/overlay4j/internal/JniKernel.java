package io.overlay4j.internal;

/** {@link Kernel} through the JNI shim. */
final class JniKernel implements Kernel {
    static final JniKernel INSTANCE = new JniKernel();

    private final MountedOverlays overlays = new MountedOverlays(this);

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
    public Directory resolveDirectory(byte[] path) throws SyscallException {
        long[] resolved = new long[4];
        byte[] canonical = Jni.resolveDirectory(path, resolved);
        return new Directory(canonical, resolved);
    }

    @Override
    public byte[] formatOptions(byte[] spec) {
        return Jni.formatOptions(spec);
    }

    @Override
    public byte[] decodeMountinfo(byte[] line) {
        return Jni.decodeMountinfo(line);
    }

    @Override
    public int errnoValue(String name) {
        return Jni.errnoValue(name);
    }

    @Override
    public byte[] readDirectory(byte[] dir) throws SyscallException {
        return Jni.readDirectory(dir);
    }

    @Override
    public byte[] describe(byte[] path) throws SyscallException {
        return Jni.describe(path);
    }

    @Override
    public String errnoName(int errno) {
        return Jni.errnoName(errno);
    }

    @Override
    public byte[] strerror(int errno) {
        return Jni.strerror(errno);
    }

    @Override
    public MountedOverlays mountedOverlays() {
        return overlays;
    }

    /**
     * Cached by the C core (o4j_probe_strategy), not here: it is the one place every caller of
     * the core shares, and it alone knows when a probe could not ask (no privilege yet), an
     * answer it does not keep.
     */
    @Override
    public int bestStrategy() {
        return Jni.probeStrategy();
    }
}
