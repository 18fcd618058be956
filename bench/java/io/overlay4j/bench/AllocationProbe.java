package io.overlay4j.bench;

import io.overlay4j.DetachedOverlay;
import io.overlay4j.Overlay;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of bench/run: bytes allocated per real cycle (rw, the default strategy), prepared
 * mount+close and detached attach+close, counted by the JVM for this thread after warm-up.
 * usage: AllocationProbe TARGET UPPER WORK LOWER...; prints key=value lines.
 */
public final class AllocationProbe {
    private AllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Paths.get(args[0]);
        List<Path> lowers = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            lowers.add(Paths.get(args[i]));
        }
        Overlay ov = Overlay.builder().lowerdirs(lowers).upperdir(Paths.get(args[1])).workdir(Paths.get(args[2]))
                .build();
        System.out.println("prepared_alloc_bytes=" + perCycle(() -> ov.mount(target).close()));
        try (DetachedOverlay d = ov.detached()) {
            System.out.println("attach_alloc_bytes=" + perCycle(() -> d.attach(target).close()));
        }
    }

    interface Cycle {
        void run() throws Exception;
    }

    private static double perCycle(Cycle c) throws Exception {
        for (int i = 0; i < 5_000; i++) { // warm-up: the JIT compiles, escape analysis applies
            c.run();
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int n = 20_000;
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < n; i++) {
            c.run();
        }
        return (threads.getThreadAllocatedBytes(tid) - before) / (double) n;
    }
}
