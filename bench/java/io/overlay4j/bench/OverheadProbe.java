package io.overlay4j.bench;

import io.overlay4j.KernelSeam;
import io.overlay4j.MountStrategy;
import io.overlay4j.Overlay;
import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Jni;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.MountedOverlays;
import io.overlay4j.internal.SyscallException;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of bench/run: the cost of a cycle with the kernel taken out.
 * "java" mode: a Kernel whose syscalls do nothing, so only the Java facade runs (directories are
 * still resolved and options formatted by the shim, as in build()).
 * "jni" mode: the real shim, run under LD_PRELOAD stand-ins for every syscall the
 * cycle makes (bench/fake_syscalls.c), so the Java facade, the JNI layer and the C
 * core run, not the kernel.
 * Prints key=value lines.
 */
public final class OverheadProbe {
    private static final Kernel SYSTEM = Kernel.system();
    private static final Kernel NOTHING = new Kernel() {
        public long mount(byte[] spec, int flags, Directory target, int strategy, long[] made) {
            made[1] = flags & ~MountFlag.STRICT_PATHS;
            return 1;
        }

        public long mountUid(byte[] path) {
            return 0;
        }

        public int detach(byte[] spec, int flags, int strategy) {
            return -1;
        }

        public long attach(int detached, Directory target, int flags, long[] made) {
            return 1;
        }

        public void closeDetached(int detached) {
        }

        public void unmount(byte[] target, int flags) {
        }

        public long unmountIf(byte[] target, long mountId, long mountUid, int flags) {
            return 0;
        }

        public int listMounts(long[] ids) {
            return 0;
        }

        public byte[] statOverlay(long mountUid) {
            return null;
        }

        public Directory resolveDirectory(byte[] path) throws SyscallException {
            return SYSTEM.resolveDirectory(path);
        }

        public byte[] formatOptions(byte[] spec) {
            return SYSTEM.formatOptions(spec);
        }

        public byte[] decodeMountinfo(byte[] line) {
            return SYSTEM.decodeMountinfo(line);
        }

        public int errnoValue(String name) {
            return SYSTEM.errnoValue(name);
        }

        public String errnoName(int errno) {
            return SYSTEM.errnoName(errno);
        }

        public byte[] strerror(int errno) {
            return SYSTEM.strerror(errno);
        }

        public MountedOverlays mountedOverlays() {
            return null;
        }

        public byte[] readDirectory(byte[] dir) throws SyscallException {
            return SYSTEM.readDirectory(dir);
        }

        public byte[] describe(byte[] path) throws SyscallException {
            return SYSTEM.describe(path);
        }

        public int bestStrategy() {
            return Jni.STRATEGY_LEGACY;
        }
    };

    private OverheadProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean jni = args[0].equals("jni");
        Path target = Paths.get(args[1]);
        List<Path> lowers = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            lowers.add(Paths.get(args[i]));
        }
        Overlay.Builder b = (jni ? Overlay.builder() : KernelSeam.builder(NOTHING)).lowerdirs(lowers)
                .strategy(MountStrategy.LEGACY);
        Overlay ov = b.build();
        int n = 200_000;
        double[] prepared = new double[5];
        for (int round = -2; round < prepared.length; round++) { // two rounds to warm up
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ov.mount(target).close();
            }
            if (round >= 0) {
                prepared[round] = (System.nanoTime() - start) / (double) n;
            }
        }
        System.out.println("prepared_ns=" + median(prepared));

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < n; i++) {
            ov.mount(target).close();
        }
        System.out.println("prepared_alloc_bytes=" + (threads.getThreadAllocatedBytes(tid) - before) / (double) n);

        if (!jni) {
            int m = 20_000;
            double[] built = new double[5];
            for (int round = -2; round < built.length; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < m; i++) {
                    KernelSeam.builder(NOTHING).lowerdirs(lowers).strategy(MountStrategy.LEGACY).build()
                            .mount(target).close();
                }
                if (round >= 0) {
                    built[round] = (System.nanoTime() - start) / (double) m;
                }
            }
            System.out.println("built_ns=" + median(built));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
