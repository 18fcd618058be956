package io.overlay4j.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import io.overlay4j.DetachedOverlay;
import io.overlay4j.MountStrategy;
import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The contenders, each timing whole mount+unmount cycles. */
final class Contenders {
    private Contenders() {
    }

    static String rawName(MountStrategy s) {
        return "overlay4j C core (" + s.name().toLowerCase() + ")";
    }

    /** Legacy mount(2) carries about 200 layers once shortened; the rest carry any stack. */
    static boolean carries(MountStrategy s, Scenario sc) {
        return s != MountStrategy.LEGACY || sc.lowers.size() <= 200;
    }

    static Overlay.Builder builder(Scenario s, MountStrategy strategy) {
        Overlay.Builder b = Overlay.builder().lowerdirs(s.lowers).strategy(strategy);
        if (s.upper != null) {
            b.upperdir(s.upper).workdir(s.work);
        }
        return s.readOnly ? b.readOnly() : b;
    }

    /**
     * Runs n cycles of a C program (bench/floor.c, bench/cycle.c: MODE CYCLES RO TARGET UPPER|-
     * WORK|- LOWER...), which times each cycle itself; returns the times in nanoseconds.
     */
    static long[] timeInC(Path binary, String mode, Scenario s, int n) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(floorArgs(mode, s, n));
        String[] parts = exec(cmd, true).trim().split(" ");
        long[] ns = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ns[i] = Long.parseLong(parts[i]);
        }
        return ns;
    }

    /** The arguments of bench/floor.c and bench/cycle.c after the program's name. */
    static List<String> floorArgs(String mode, Scenario s, int n) {
        List<String> cmd = new ArrayList<>();
        cmd.add(mode);
        cmd.add(Integer.toString(n));
        cmd.add(s.readOnly ? "1" : "0");
        cmd.add(s.target.toString());
        cmd.add(s.upper == null ? "-" : s.upper.toString());
        cmd.add(s.work == null ? "-" : s.work.toString());
        for (Path l : s.lowers) {
            cmd.add(l.toString());
        }
        return cmd;
    }

    static final String FLOOR_A = "floor (a): mount(2) in C";
    static final String FLOOR_B = "floor (b): new mount API in C";
    static final String FLOOR_C = "floor (c): (a) by JNI in this JVM";
    static final String FLOOR_D = "floor (d): attach a held one in C";

    /**
     * The floors, what a C programmer writes with no project code (bench/floor.c): (a) mount(2)
     * with the option string, (b) the minimal new-API sequence with strings, (d) a clone of a
     * superblock made once, attached and unmounted. Every other contender is compared with (a),
     * or with (b) where (a) cannot mount (past one page).
     */
    static final class Floor implements Contender {
        private final Path binary;
        private final char mode;

        Floor(Path binary, char mode) {
            this.binary = binary;
            this.mode = mode;
        }

        public String name() {
            return mode == 'a' ? FLOOR_A : mode == 'b' ? FLOOR_B : FLOOR_D;
        }

        public String baseline() {
            return mode == 'a' ? null : FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return mode != 'a' || Jna.options(s).length() < 4096;
        }

        public long[] run(Scenario s, int n) throws Exception {
            return timeInC(binary, String.valueOf(mode), s, n);
        }
    }

    /** Floor (c): floor (a)'s C loop inside this JVM, one JNI call for all cycles (bench/floor_jni.c). */
    static final class JniFloorLoop implements Contender {
        public String name() {
            return FLOOR_C;
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return Jna.options(s).length() < 4096;
        }

        public long[] run(Scenario s, int n) {
            return JniFloor.run(floorArgs("a", s, n).toArray(new String[0]));
        }
    }

    /** The project's own C core in a C loop (no JVM), labelled as such: not a floor. */
    static final class RawC implements Contender {
        private final Path binary;
        private final MountStrategy strategy;

        RawC(Path binary, MountStrategy strategy) {
            this.binary = binary;
            this.strategy = strategy;
        }

        public String name() {
            return rawName(strategy);
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return carries(strategy, s);
        }

        public long[] run(Scenario s, int n) throws Exception {
            return timeInC(binary, Integer.toString(strategy.ordinal() + 1), s, n);
        }
    }

    /** overlay4j as most programs use it: build the Overlay (canonicalize, validate), mount, close. */
    static final class BuiltEachCycle implements Contender {
        private final MountStrategy strategy;

        BuiltEachCycle(MountStrategy strategy) {
            this.strategy = strategy;
        }

        public String name() {
            return "overlay4j (" + strategy.name().toLowerCase() + ")";
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return carries(strategy, s);
        }

        public long[] run(Scenario s, int n) throws Exception {
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                builder(s, strategy).build().mount(s.target).close();
                ns[i] = System.nanoTime() - start;
            }
            return ns;
        }
    }

    /** overlay4j with one Overlay built once and mounted many times. */
    static final class Prepared implements Contender {
        private final MountStrategy strategy;

        Prepared(MountStrategy strategy) {
            this.strategy = strategy;
        }

        public String name() {
            return "overlay4j prepared (" + strategy.name().toLowerCase() + ")";
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return carries(strategy, s);
        }

        public long[] run(Scenario s, int n) throws Exception {
            Overlay ov = builder(s, strategy).build();
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                OverlayMount m = ov.mount(s.target);
                m.close();
                ns[i] = System.nanoTime() - start;
            }
            return ns;
        }
    }

    /** overlay4j's detached overlay: the superblock made once (not timed), then attach+close per cycle. */
    static final class Attached implements Contender {
        private final MountStrategy strategy;

        Attached(MountStrategy strategy) {
            this.strategy = strategy;
        }

        public String name() {
            return "overlay4j attach (" + strategy.name().toLowerCase() + ", detached)";
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return strategy != MountStrategy.LEGACY && carries(strategy, s);
        }

        public long[] run(Scenario s, int n) throws Exception {
            long[] ns = new long[n];
            try (DetachedOverlay d = builder(s, strategy).build().detached()) {
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    d.attach(s.target).close();
                    ns[i] = System.nanoTime() - start;
                }
            }
            return ns;
        }
    }

    /** What a hand-written JNA binding does: libc mount(2)/umount2(2) with a prepared option string. */
    static final class Jna implements Contender {
        interface LibC extends Library {
            int mount(String source, String target, String fstype, NativeLong flags, String data);

            int umount2(String target, int flags);
        }

        private static final long MS_RDONLY = 1;
        private final LibC libc = Native.load("c", LibC.class);

        public String name() {
            return "JNA mount(2)";
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return options(s).length() < 4096;
        }

        private static String options(Scenario s) {
            try {
                return builder(s, MountStrategy.LEGACY).build().options();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public long[] run(Scenario s, int n) {
            String options = options(s);
            String target = s.target.toString();
            NativeLong flags = new NativeLong(s.readOnly ? MS_RDONLY : 0);
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                if (libc.mount("overlay", target, "overlay", flags, options) != 0
                        || libc.umount2(target, 0) != 0) {
                    throw new IllegalStateException("JNA mount cycle failed, errno " + Native.getLastError());
                }
                ns[i] = System.nanoTime() - start;
            }
            return ns;
        }
    }

    /** What Java programs do today: run mount(8) and umount(8). */
    static final class ProcessBuilderMount implements Contender {
        public String name() {
            return "ProcessBuilder mount(8)";
        }

        public String baseline() {
            return FLOOR_A;
        }

        public boolean supports(Scenario s) {
            return Jna.options(s).length() < 4096;
        }

        public long[] run(Scenario s, int n) throws Exception {
            String options = Jna.options(s) + (s.readOnly ? ",ro" : "");
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                exec(java.util.Arrays.asList("mount", "-t", "overlay", "overlay", "-o", options, s.target.toString()),
                        false);
                exec(java.util.Arrays.asList("umount", s.target.toString()), false);
                ns[i] = System.nanoTime() - start;
            }
            return ns;
        }
    }

    static String exec(List<String> cmd, boolean keepOutput) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[65536];
            for (int r; (r = in.read(b)) > 0;) {
                buf.write(b, 0, r);
            }
            out = new String(buf.toByteArray(), StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 4))) + " ... failed: "
                    + out);
        }
        return keepOutput ? out : "";
    }
}
