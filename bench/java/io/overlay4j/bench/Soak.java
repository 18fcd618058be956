package io.overlay4j.bench;

import io.overlay4j.ErrnoException;
import io.overlay4j.MountStrategy;
import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child JVM of bench/run (started with a fixed heap, so heap growth is not taken
 * for a leak): mount+unmount cycles under DIR for a count or a duration, with
 * OWN threads on their own targets and RACE threads racing mount and close on one
 * shared target. Counts what really happened, apart: mounts, unmounts, refusals (the
 * racers' EBUSY for a target this process holds) and no-ops (a racer closing when
 * nothing was mounted); a real cycle is a mount and its unmount. Prints those, failures,
 * real cycles per second, and RSS and open descriptors at the start, the middle and the end.
 * usage: Soak STRATEGY cycles=N|seconds=S DIR OWN RACE
 */
public final class Soak {
    /** Loop turns of every thread: what the limit counts, not what is reported as cycles. */
    private final AtomicLong turns = new AtomicLong();
    private final AtomicLong mounts = new AtomicLong();
    private final AtomicLong unmounts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong noops = new AtomicLong();
    private final long limit;
    private final boolean byCount;
    private volatile long deadline;

    private Soak(String limit) {
        byCount = limit.startsWith("cycles=");
        this.limit = Long.parseLong(limit.substring(limit.indexOf('=') + 1));
    }

    public static void main(String[] args) throws Exception {
        new Soak(args[1]).run(MountStrategy.valueOf(args[0]), Paths.get(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]));
    }

    private static Overlay overlay(Path dir, MountStrategy strategy) throws IOException {
        Path l1 = Files.createDirectories(dir.resolve("lower1"));
        Path l2 = Files.createDirectories(dir.resolve("lower2"));
        Files.write(l1.resolve("f"), new byte[] {1});
        Files.write(l2.resolve("g"), new byte[] {2});
        return Overlay.builder().lowerdirs(l1, l2).upperdir(Files.createDirectories(dir.resolve("upper")))
                .workdir(Files.createDirectories(dir.resolve("work"))).strategy(strategy).build();
    }

    private boolean more() {
        return byCount ? turns.get() < limit : System.nanoTime() < deadline;
    }

    private void fail(IOException e) {
        failures.incrementAndGet();
        System.err.println(e.getMessage());
    }

    private void run(MountStrategy strategy, Path dir, int own, int race) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < own; t++) {
            Path d = Files.createDirectories(dir.resolve("own" + t));
            Overlay ov = overlay(d, strategy);
            Path target = Files.createDirectories(d.resolve("merged"));
            for (int i = 0; i < 500; i++) {
                ov.mount(target).close(); // warm-up: JIT, class loading, first allocations
            }
            threads.add(new Thread(() -> {
                while (more()) {
                    try {
                        OverlayMount m = ov.mount(target);
                        mounts.incrementAndGet();
                        m.close();
                        unmounts.incrementAndGet();
                    } catch (IOException e) {
                        fail(e);
                    }
                    turns.incrementAndGet();
                }
            }));
        }
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Overlay sharedOverlay = overlay(shared, strategy);
        Path sharedTarget = Files.createDirectories(shared.resolve("merged"));
        AtomicReference<OverlayMount> current = new AtomicReference<>();
        for (int t = 0; t < race; t++) {
            threads.add(new Thread(() -> {
                while (more()) {
                    try {
                        if (ThreadLocalRandom.current().nextBoolean()) {
                            OverlayMount made = sharedOverlay.mount(sharedTarget);
                            mounts.incrementAndGet();
                            OverlayMount previous = current.getAndSet(made);
                            if (previous != null) {
                                previous.close();
                                unmounts.incrementAndGet();
                            }
                        } else {
                            OverlayMount m = current.getAndSet(null);
                            if (m != null) {
                                m.close();
                                unmounts.incrementAndGet();
                            } else {
                                noops.incrementAndGet();
                            }
                        }
                    } catch (FileSystemException e) {
                        // Our own mount holding the shared target is the expected refusal.
                        if ("EBUSY".equals(((ErrnoException) e).errnoName())
                                && e.getMessage().contains("of this process")) {
                            refused.incrementAndGet();
                        } else {
                            fail(e);
                        }
                    } catch (IOException e) {
                        fail(e);
                    }
                    turns.incrementAndGet();
                }
            }));
        }
        System.gc();
        long rss0 = Bench.rssKb();
        int fds0 = Bench.fds();
        long start = System.nanoTime();
        deadline = start + limit * 1_000_000_000L;
        threads.forEach(Thread::start);
        long rssMid = -1;
        while (threads.get(0).isAlive()) {
            Thread.sleep(50);
            if (rssMid < 0 && (byCount ? turns.get() >= limit / 2 : System.nanoTime() >= start + (deadline - start) / 2)) {
                rssMid = Bench.rssKb();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        OverlayMount last = current.getAndSet(null);
        if (last != null) {
            last.close();
            unmounts.incrementAndGet();
        }
        System.gc();
        long cycles = Math.min(mounts.get(), unmounts.get());
        System.out.printf(Locale.ROOT, "mounts=%d%nunmounts=%d%nrefused_shared=%d%nnoops=%d%nfailures=%d%n"
                + "seconds=%.1f%ncycles_per_s=%.0f%nrss_kb_start=%d%nrss_kb_middle=%d%nrss_kb_end=%d%n"
                + "fds_start=%d%nfds_end=%d%n", mounts.get(), unmounts.get(), refused.get(), noops.get(),
                failures.get(), secs, cycles / secs, rss0, rssMid, Bench.rssKb(), fds0, Bench.fds());
    }
}
