package io.overlay4j.bench;

import io.overlay4j.MountStrategy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench/run: mount+unmount cycles of every contender, side by side in one run,
 * alternating contender by contender within each round; ratios to the floor: mount(2) in
 * C with no project code (floor (a)), or the plain new mount API where (a) cannot mount.
 * usage: Bench BENCH_CYCLE FAKE_SYSCALLS_SO OUT_DIR [--quick | soak [SECONDS] | changes]
 */
public final class Bench {
    private final Path outDir;
    private final boolean quick;
    private final Path rawBinary;
    private final Path floorBinary;
    private final Path fakeSyscalls;
    private final List<String> csv = new ArrayList<>();
    private final List<Chart.Bar> bars = new ArrayList<>();
    private final List<String> verdicts = new ArrayList<>();
    /** Median cycle time in microseconds, by scenario and contender. */
    private final Map<String, Map<String, Double>> medians = new LinkedHashMap<>();

    private Bench(String[] args) {
        rawBinary = Paths.get(args[0]);
        floorBinary = rawBinary.resolveSibling("bench_floor");
        fakeSyscalls = Paths.get(args[1]);
        outDir = Paths.get(args[2]);
        quick = Arrays.asList(args).contains("--quick");
        JniFloor.load(rawBinary.resolveSibling("libo4j_floor_jni.so"));
    }

    public static void main(String[] args) throws Exception {
        int soak = Arrays.asList(args).indexOf("soak");
        if (Arrays.asList(args).contains("changes")) {
            ChangeScan.run();
        } else if (soak >= 0) {
            soak(soak + 1 < args.length ? Long.parseLong(args[soak + 1]) : 600);
        } else {
            new Bench(args).run();
        }
    }

    /** bench/run soak SECONDS: the stress mix for a while, in a JVM with a fixed heap. */
    private static void soak(long seconds) throws Exception {
        Path root = Files.createTempDirectory("overlay4j-soak-");
        Path tmpfs = Files.createDirectories(root.resolve("tmpfs"));
        Contenders.exec(Arrays.asList("mount", "-t", "tmpfs", "overlay4j-soak", tmpfs.toString()), false);
        try {
            MountStrategy best = MountStrategy.supported().get(0);
            System.out.printf("soak: %d s of mount+unmount with %s, 4 threads on their own targets and 2 racing on one%n",
                    seconds, best);
            Map<String, String> r = child(soakCommand(Paths.get(System.getProperty("java.home"), "bin", "java")
                    .toString(), System.getProperty("java.class.path"), best, "seconds=" + seconds, tmpfs, 4, 2), null);
            r.forEach((k, v) -> System.out.println("  " + k + " = " + v));
            boolean ok = r.get("failures").equals("0") && r.get("fds_start").equals(r.get("fds_end"));
            System.out.println(ok ? "soak: no failures, no descriptor growth" : "soak: FAILED");
            if (!ok) {
                System.exit(1);
            }
        } finally {
            Contenders.exec(Arrays.asList("umount", "-l", tmpfs.toString()), false);
            Contenders.exec(Arrays.asList("rm", "-rf", root.toString()), false);
        }
    }

    private void run() throws Exception {
        Files.createDirectories(outDir);
        Path root = Files.createTempDirectory("overlay4j-bench-");
        Path tmpfs = Files.createDirectories(root.resolve("tmpfs"));
        Contenders.exec(Arrays.asList("mount", "-t", "tmpfs", "overlay4j-bench", tmpfs.toString()), false);
        try {
            List<MountStrategy> strategies = MountStrategy.supported();
            MountStrategy best = strategies.get(0);
            System.out.printf("overlay4j benchmark: kernel %s, %d cores, strategies %s (default %s)%n",
                    System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(), strategies, best);
            int scale = quick ? 4 : 1;
            List<Scenario> scenarios = Arrays.asList(
                    new Scenario("rw-2-lowers-disk", root, 2, false, 200 / scale),
                    new Scenario("rw-2-lowers-tmpfs", tmpfs, 2, false, 200 / scale),
                    new Scenario("ro-2-lowers", root, 2, true, 200 / scale),
                    new Scenario("rw-100-layers", root, 100, false, 40 / scale),
                    new Scenario("rw-500-layers", root, 500, false, 10),
                    new Scenario("ro-500-layers", root, 500, true, 10));
            warmUp(scenarios.get(1), strategies);
            int rounds = quick ? 3 : 7;
            csv.add("scenario,contender,baseline,median_us,p90_us,ratio_to_baseline,ratio_to_a,ratio_to_b,ratio_to_c,"
                    + "ratio_to_d,samples,round_medians_us");
            Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
            for (Scenario s : scenarios) {
                ratios.put(s.name, measure(s, contenders(strategies), rounds));
            }
            checkTargets(ratios, best);
            extras(tmpfs, best);
            Files.write(outDir.resolve("results.csv"), csv, StandardCharsets.UTF_8);
            Chart.write(bars, "overlay4j: mount+unmount cycle time relative to the floor, mount(2) in C (" + rounds + " rounds, "
                    + Runtime.getRuntime().availableProcessors() + " cores)", outDir.resolve("ratios.png").toFile());
            System.out.println();
            verdicts.forEach(System.out::println);
            System.out.println("\nwrote " + outDir.resolve("results.csv") + " and " + outDir.resolve("ratios.png"));
        } finally {
            Contenders.exec(Arrays.asList("umount", "-l", tmpfs.toString()), false);
            Contenders.exec(Arrays.asList("rm", "-rf", root.toString()), false);
        }
    }

    /** Lets the JIT compile the facade first, as it has in a program that mounts many times. */
    private static void warmUp(Scenario s, List<MountStrategy> strategies) throws Exception {
        for (MountStrategy st : strategies) {
            new Contenders.BuiltEachCycle(st).run(s, 3000);
            new Contenders.Prepared(st).run(s, 3000);
        }
    }

    private List<Contender> contenders(List<MountStrategy> strategies) {
        List<Contender> list = new ArrayList<>();
        list.add(new Contenders.Floor(floorBinary, 'a'));
        list.add(new Contenders.Floor(floorBinary, 'b'));
        list.add(new Contenders.JniFloorLoop());
        list.add(new Contenders.Floor(floorBinary, 'd'));
        for (MountStrategy s : strategies) {
            list.add(new Contenders.RawC(rawBinary, s));
            list.add(new Contenders.BuiltEachCycle(s));
            list.add(new Contenders.Prepared(s));
        }
        list.add(new Contenders.Attached(strategies.get(0)));
        list.add(new Contenders.Jna());
        list.add(new Contenders.ProcessBuilderMount());
        return list;
    }

    /** Rounds of A B C D ...; returns each contender's ratio to its baseline (median over rounds). */
    private Map<String, Double> measure(Scenario s, List<Contender> all, int rounds) throws Exception {
        List<Contender> cs = new ArrayList<>();
        for (Contender c : all) {
            if (c.supports(s)) {
                cs.add(c);
            }
        }
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        for (Contender c : cs) {
            samples.put(c.name(), new ArrayList<>());
            c.run(s, Math.max(2, s.cycles / 10)); // warm-up, not recorded
        }
        for (int r = 0; r < rounds; r++) {
            for (Contender c : cs) {
                boolean slow = c instanceof Contenders.ProcessBuilderMount;
                samples.get(c.name()).add(c.run(s, slow ? Math.max(3, s.cycles / 20) : s.cycles));
            }
        }
        System.out.printf("%n%s (%d lower layers%s)%n", s.name, s.lowers.size(), s.readOnly ? ", read-only" : "");
        System.out.printf("  %-40s %10s %10s %8s %8s %8s %8s%n", "contender", "median us", "p90 us", "vs (a)",
                "vs (b)", "vs (c)", "vs (d)");
        Map<String, Double> ratios = new LinkedHashMap<>();
        Map<String, Double> mediansHere = new LinkedHashMap<>();
        medians.put(s.name, mediansHere);
        for (Contender c : cs) {
            List<long[]> mine = samples.get(c.name());
            Stats all1 = new Stats(concat(mine));
            // Floor (a) cannot mount past one page of options: there, floor (b) is the floor.
            String baseline = c.baseline() == null || samples.containsKey(c.baseline()) ? c.baseline()
                    : c.baseline().equals(Contenders.FLOOR_A) && !c.name().equals(Contenders.FLOOR_B)
                            ? Contenders.FLOOR_B : null;
            double ratio = baseline == null ? 1.0 : ratio(mine, samples.get(baseline), rounds);
            String[] floors = {Contenders.FLOOR_A, Contenders.FLOOR_B, Contenders.FLOOR_C, Contenders.FLOOR_D};
            double[] toFloors = new double[floors.length];
            StringBuilder cells = new StringBuilder();
            for (int f = 0; f < floors.length; f++) {
                toFloors[f] = ratio(mine, samples.get(floors[f]), rounds);
                cells.append(Double.isNaN(toFloors[f]) ? String.format("%9s", "-")
                        : String.format(Locale.ROOT, " %7.2fx", toFloors[f]));
            }
            ratios.put(c.name(), ratio);
            ratios.put(c.name() + " / (c)", toFloors[2]);
            mediansHere.put(c.name(), all1.medianUs);
            System.out.printf(Locale.ROOT, "  %-40s %10.1f %10.1f%s%n", c.name(), all1.medianUs, all1.p90Us, cells);
            csv.add(String.format(Locale.ROOT, "%s,%s,%s,%.1f,%.1f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%s", s.name, c.name(),
                    baseline == null ? "" : baseline, all1.medianUs, all1.p90Us, ratio, toFloors[0], toFloors[1],
                    toFloors[2], toFloors[3], all1.samples, raw(mine)));
            bars.add(new Chart.Bar(s.name, c.name(), ratio));
        }
        return ratios;
    }

    /** A row of the extras, padded to the header's columns. */
    private void extra(String row) {
        int columns = csv.get(0).split(",").length;
        StringBuilder padded = new StringBuilder(row);
        for (int have = row.split(",", -1).length; have < columns; have++) {
            padded.append(',');
        }
        csv.add(padded.toString());
    }

    /** The median over rounds of this round's median against the floor's in the same round; NaN without it. */
    private static double ratio(List<long[]> mine, List<long[]> floor, int rounds) {
        if (floor == null) {
            return Double.NaN;
        }
        double[] perRound = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            perRound[r] = new Stats(mine.get(r)).medianUs / new Stats(floor.get(r)).medianUs;
        }
        return Stats.median(perRound);
    }

    /** Each round's median in microseconds, separated by spaces: the raw numbers behind a row. */
    private static String raw(List<long[]> rounds) {
        StringBuilder b = new StringBuilder();
        for (long[] r : rounds) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", new Stats(r).medianUs));
        }
        return b.toString();
    }

    private static long[] concat(List<long[]> parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] all = new long[n];
        int i = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }

    private void target(String what, double value, double limit, boolean atMost) {
        boolean ok = atMost ? value <= limit : value >= limit;
        verdicts.add(String.format(Locale.ROOT, "%-4s %-62s %8.3f (%s %.3f)", ok ? "MET" : "MISS", what, value,
                atMost ? "<=" : ">=", limit));
    }

    private void checkTargets(Map<String, Map<String, Double>> ratios, MountStrategy best) {
        String d = best.name().toLowerCase();
        for (String medium : new String[] {"rw-2-lowers-disk", "rw-2-lowers-tmpfs"}) {
            Map<String, Double> rw = ratios.get(medium);
            if (rw == null) {
                continue;
            }
            target("overlay4j prepared (" + d + ") / floor (c), " + medium,
                    rw.get("overlay4j prepared (" + d + ") / (c)"), 1.03, true);
            target("overlay4j (" + d + ", built each cycle) / floor (c), " + medium,
                    rw.get("overlay4j (" + d + ") / (c)"), 1.10, true);
            target("floor (a) / overlay4j attach (" + d + ", detached), " + medium,
                    1 / rw.get("overlay4j attach (" + d + ", detached)"), medium.endsWith("disk") ? 10 : 5, false);
            verdicts.add(String.format(Locale.ROOT, "INFO what C itself gets: floor (a) / floor (d), %-33s %8.3f",
                    medium, 1 / rw.get(Contenders.FLOOR_D)));
            Map<String, Double> us = medians.get(medium);
            target("ProcessBuilder mount(8) / overlay4j (" + d + ", built each cycle), " + medium + ", median time",
                    us.get("ProcessBuilder mount(8)") / us.get("overlay4j (" + d + ")"), 10, false);
        }
        Map<String, Double> big = ratios.get("rw-500-layers");
        target("overlay4j (" + d + ") / floor (b), 500 layers", big.get("overlay4j (" + d + ")"), 1.10, true);
    }

    /** Cold start, overhead with the kernel taken out, allocation, and 100 000 cycles of RSS and descriptors. */
    private void extras(Path tmpfs, MountStrategy best) throws Exception {
        Scenario s = new Scenario("extras", tmpfs, 2, false, 0);
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");

        long[] none = new long[9];
        long[] mount = new long[9];
        for (int i = 0; i < none.length; i++) {
            none[i] = timeProcess(Arrays.asList(java, "-cp", cp, ColdStart.class.getName(), "none"));
            mount[i] = timeProcess(Arrays.asList(java, "-cp", cp, ColdStart.class.getName(), "mount",
                    s.target.toString(), s.lowers.get(0).toString(), s.lowers.get(1).toString()));
        }
        double coldMs = (new Stats(mount).medianUs - new Stats(none).medianUs) / 1000;
        System.out.printf(Locale.ROOT, "%ncold start: fresh JVM %.1f ms, with its first mount+unmount %.1f ms: +%.1f ms%n",
                new Stats(none).medianUs / 1000, new Stats(mount).medianUs / 1000, coldMs);
        target("cold start: first mount in a fresh JVM, ms over a JVM doing nothing", coldMs, 30, true);

        Map<String, String> javaOnly = probe(java, cp, "java", s, null);
        Map<String, String> jni = probe(java, cp, "jni", s, fakeSyscalls);
        double jniUs = Double.parseDouble(jni.get("prepared_ns")) / 1000;
        double alloc = Double.parseDouble(jni.get("prepared_alloc_bytes"));
        System.out.printf(Locale.ROOT, "per-cycle cost without the kernel: Java facade %.2f us prepared, %.2f us built "
                + "each cycle (both with real resolution syscalls); Java+JNI+C core with every syscall stubbed "
                + "%.2f us prepared; %.0f bytes allocated per prepared cycle%n",
                Double.parseDouble(javaOnly.get("prepared_ns")) / 1000, Double.parseDouble(javaOnly.get("built_ns"))
                        / 1000, jniUs, alloc);
        extra(String.format(Locale.ROOT, "extras,cold_start_ms,,%.1f,,,", coldMs));
        extra(String.format(Locale.ROOT, "extras,java_jni_overhead_us,,%.2f,,,", jniUs));
        extra(String.format(Locale.ROOT, "extras,prepared_alloc_bytes,,%.0f,,,", alloc));
        target("Java+JNI cost per prepared cycle with syscalls stubbed, us", jniUs, 5, true);
        List<String> allocCmd = new ArrayList<>(Arrays.asList(java, "-cp", cp, AllocationProbe.class.getName(),
                s.target.toString(), s.upper.toString(), s.work.toString()));
        s.lowers.forEach(l -> allocCmd.add(l.toString()));
        Map<String, String> real = child(allocCmd, null);
        double preparedAlloc = Double.parseDouble(real.get("prepared_alloc_bytes"));
        double attachAlloc = Double.parseDouble(real.get("attach_alloc_bytes"));
        System.out.printf(Locale.ROOT, "bytes allocated per real rw cycle: prepared mount+close %.0f, detached "
                + "attach+close %.0f%n", preparedAlloc, attachAlloc);
        extra(String.format(Locale.ROOT, "extras,rw_prepared_alloc_bytes,,%.0f,,,", preparedAlloc));
        extra(String.format(Locale.ROOT, "extras,rw_attach_alloc_bytes,,%.0f,,,", attachAlloc));
        target("bytes allocated per prepared cycle (ro, syscalls stubbed)", alloc, 1024, true);
        target("bytes allocated per prepared rw cycle (real kernel)", preparedAlloc, 1024, true);
        target("bytes allocated per attach+close (real kernel)", attachAlloc, 512, true);

        int n = quick ? 10_000 : 100_000;
        Map<String, String> soak = child(soakCommand(java, cp, best, "cycles=" + n, tmpfs.resolve("soak"), 1, 0), null);
        long rss0 = Long.parseLong(soak.get("rss_kb_start"));
        long rssMid = Long.parseLong(soak.get("rss_kb_middle"));
        long rss1 = Long.parseLong(soak.get("rss_kb_end"));
        long fds0 = Long.parseLong(soak.get("fds_start"));
        long fds1 = Long.parseLong(soak.get("fds_end"));
        System.out.printf(Locale.ROOT, "%d cycles (%s) in %s s, %s failures: RSS %d -> %d -> %d KB (start, middle, "
                + "end), open descriptors %d -> %d%n", n, best, soak.get("seconds"), soak.get("failures"), rss0, rssMid,
                rss1, fds0, fds1);
        extra(String.format(Locale.ROOT, "extras,rss_kb_start_middle_end_%d,,%d,%d,%d,", n, rss0, rssMid, rss1));
        extra(String.format(Locale.ROOT, "extras,fds_start_end_%d,,%d,%d,,", n, fds0, fds1));
        // The first half still grows the JIT's code cache and metaspace; a leak keeps growing.
        target("RSS growth over the second half of " + n + " cycles (fixed 64 MB heap), KB", rss1 - rssMid, 1024, true);
        target("open descriptor growth over " + n + " cycles", fds1 - fds0, 0, true);
    }

    static List<String> soakCommand(String java, String cp, MountStrategy strategy, String limit, Path dir, int own,
            int race) {
        return new ArrayList<>(Arrays.asList(java, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch", "-cp", cp,
                Soak.class.getName(), strategy.name(), limit, dir.toString(), Integer.toString(own),
                Integer.toString(race)));
    }

    private Map<String, String> probe(String java, String cp, String mode, Scenario s, Path preload) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList(java, "-cp", cp, OverheadProbe.class.getName(), mode,
                s.target.toString()));
        for (Path l : s.lowers) {
            cmd.add(l.toString());
        }
        return child(cmd, preload);
    }

    /** Runs a child JVM and returns the key=value lines it prints. */
    static Map<String, String> child(List<String> cmd, Path preload) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (preload != null) {
            pb.environment().put("LD_PRELOAD", preload.toString());
            // The stand-ins answer for this directory only (the overhead probe's layers and target).
            pb.environment().put("O4J_FAKE_PREFIX", Paths.get(cmd.get(cmd.size() - 1)).getParent().toString());
        }
        Process p = pb.start();
        String out = new String(readAll(p), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd.get(cmd.indexOf("-cp") + 2) + " failed: " + out);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    private static byte[] readAll(Process p) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int r; (r = p.getInputStream().read(b)) > 0;) {
            out.write(b, 0, r);
        }
        return out.toByteArray();
    }

    private static long timeProcess(List<String> cmd) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed");
        }
        return System.nanoTime() - start;
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static int fds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
