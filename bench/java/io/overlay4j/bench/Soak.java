package io.overlay4j.bench;

import io.overlay4j.MountStrategy;
import io.overlay4j.Overlay;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Child JVM of bench/run (started with a fixed heap, so heap growth is not
 * mistaken for a leak): mount+unmount cycles of one prepared overlay, for a count
 * or a duration; prints RSS and open descriptors at the start and the end.
 * usage: Soak STRATEGY cycles=N|seconds=S TARGET UPPER WORK LOWER...
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        MountStrategy strategy = MountStrategy.valueOf(args[0]);
        boolean byCount = args[1].startsWith("cycles=");
        long limit = Long.parseLong(args[1].substring(args[1].indexOf('=') + 1));
        Path target = Paths.get(args[2]);
        List<Path> lowers = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            lowers.add(Paths.get(args[i]));
        }
        Overlay ov = Overlay.builder().lowerdirs(lowers).upperdir(Paths.get(args[3])).workdir(Paths.get(args[4]))
                .strategy(strategy).build();
        for (int i = 0; i < 2000; i++) {
            ov.mount(target).close();
        }
        System.gc();
        long rss0 = Bench.rssKb();
        int fds0 = Bench.fds();
        long start = System.nanoTime();
        long deadline = start + limit * 1_000_000_000L;
        long cycles = 0;
        long failures = 0;
        while (byCount ? cycles < limit : System.nanoTime() < deadline) {
            try {
                ov.mount(target).close();
            } catch (java.io.IOException e) {
                failures++;
                System.err.println(e.getMessage());
            }
            cycles++;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.gc();
        System.out.printf(Locale.ROOT, "cycles=%d%nfailures=%d%nseconds=%.1f%nrss_kb_start=%d%nrss_kb_end=%d%n"
                + "fds_start=%d%nfds_end=%d%n", cycles, failures, secs, rss0, Bench.rssKb(), fds0, Bench.fds());
    }
}
