package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many threads mounting at once: no failure that is not a correct errno, nothing leaked. */
@ExtendWith(MountGuard.class)
class StressIT {
    @TempDir
    Path tmp;
    Path fs;

    @BeforeEach
    void setUp() throws Exception {
        Root.assume();
        fs = Files.createDirectory(tmp.resolve("tmpfs"));
        Processes.succeed("mount", "-t", "tmpfs", "o4j-stress", fs.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        Processes.succeed("umount", fs.toString());
    }

    private static void runThreads(int n, ThrowingRunnable body, ConcurrentLinkedQueue<Throwable> errors)
            throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
    }

    interface ThrowingRunnable {
        void run(int thread) throws Exception;
    }

    @Test
    void eightThreadsThousandCyclesEachOnTheirOwnTargets() throws Exception {
        List<Overlay> overlays = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Layout l = new Layout(Files.createDirectory(fs.resolve("t" + t)));
            overlays.add(Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).build());
            targets.add(l.merged);
        }
        TreeMap<String, String> fds = FailureIT.openDescriptors();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        runThreads(8, t -> {
            for (int i = 0; i < 1000; i++) {
                try (OverlayMount m = overlays.get(t).mount(targets.get(t))) {
                    if (i % 100 == 0) {
                        assertEquals("lower1", Layout.read(m.target().resolve("same.txt")));
                    }
                }
            }
        }, errors);
        assertTrue(errors.isEmpty(), "failures: " + errors);
        assertEquals(new TreeMap<String, String>(), FailureIT.added(fds, FailureIT.openDescriptors()),
                "descriptors leaked");
        assertEquals(new ArrayList<String>(), MountGuard.mountPointsUnder(fs.resolve("t0")));
    }

    @Test
    void fourThreadsRaceMountAndCloseOnOneTarget() throws Exception {
        Layout l = new Layout(Files.createDirectory(fs.resolve("shared")));
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).build();
        AtomicReference<OverlayMount> current = new AtomicReference<>();
        AtomicInteger mounted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        TreeMap<String, String> fds = FailureIT.openDescriptors();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        runThreads(4, t -> {
            for (int i = 0; i < 500; i++) {
                if (ThreadLocalRandom.current().nextBoolean()) {
                    try {
                        OverlayMount m = ov.mount(l.merged);
                        mounted.incrementAndGet();
                        OverlayMount previous = current.getAndSet(m);
                        if (previous != null) {
                            previous.close(); // already closed by another thread: a no-op
                        }
                    } catch (FileSystemException e) {
                        // The only failure allowed: the target is taken by our own mount.
                        assertEquals("EBUSY", ((ErrnoException) e).errnoName(), e.getMessage());
                        assertTrue(e.getMessage().contains("overlay4j mount of this process")
                                || e.getMessage().contains("another thread of this process is mounting"),
                                e.getMessage());
                        refused.incrementAndGet();
                    }
                } else {
                    OverlayMount m = current.getAndSet(null);
                    if (m != null) {
                        m.close();
                    }
                }
            }
        }, errors);
        OverlayMount last = current.getAndSet(null);
        if (last != null) {
            last.close();
        }
        assertTrue(errors.isEmpty(), "failures: " + errors);
        assertTrue(mounted.get() > 0 && refused.get() > 0, "mounted " + mounted + ", refused " + refused);
        assertEquals(new TreeMap<String, String>(), FailureIT.added(fds, FailureIT.openDescriptors()),
                "descriptors leaked");
        assertEquals(new ArrayList<String>(), MountGuard.mountPointsUnder(l.root));
    }
}
