package io.overlay4j;

import io.overlay4j.testing.Names;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * Run by {@link NamesIT} in a child JVM under a given locale: mounts layers whose names
 * the locale cannot spell, next to the lossy twins a String round trip would turn them
 * into, and checks that exactly the named directories are mounted, listed and unmounted.
 * Exits 1 with the reason on the first difference.
 */
public final class NamesProbe {
    /** Each role's directory under the base, its real name's bytes, and its lossy twins. */
    static final String[] ROLES = {"L1", "L2", "U", "W", "T"};
    static final byte[][] REAL = {utf8("lower-ü"), {'l', (byte) 0xff}, utf8("upper-ТЕСТ"), {'w', (byte) 0xfe},
            {'m', (byte) 0xff}};
    static final String[][] TWINS = {{"lower-\uFFFD", "lower-??", "lower-?"}, {"l\uFFFD", "l?"},
            {"upper-\uFFFD\uFFFD\uFFFD\uFFFD", "upper-????"}, {"w\uFFFD", "w?"}, {"m\uFFFD", "m?"}};

    private NamesProbe() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Path real(Path base, int role) {
        return Names.child(base.resolve(ROLES[role]), REAL[role]);
    }

    /** Creates every role's real directory and its twins, each lower with files saying which it is. */
    static void create(Path base) throws IOException {
        for (int r = 0; r < ROLES.length; r++) {
            Path dir = Files.createDirectories(base.resolve(ROLES[r]));
            Files.createDirectory(real(base, r));
            for (String twin : TWINS[r]) {
                Path t = Files.createDirectory(Names.child(dir, twin));
                if (r < 2) {
                    Files.write(t.resolve("f"), utf8("decoy"));
                    Files.write(t.resolve("only" + (r + 1)), utf8("decoy"));
                }
            }
        }
        Files.write(real(base, 0).resolve("f"), utf8("L1"));
        Files.write(real(base, 0).resolve("only1"), utf8("real1"));
        Files.write(real(base, 1).resolve("f"), utf8("L2"));
        Files.write(real(base, 1).resolve("only2"), utf8("real2"));
    }

    public static void main(String[] args) throws Exception {
        Path base = Paths.get(args[0]);
        System.out.println("sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding"));
        Path l1 = real(base, 0);
        Path l2 = real(base, 1);
        Path upper = real(base, 2);
        Path work = real(base, 3);
        Path target = real(base, 4);
        Path twinTarget = Names.child(base.resolve("T"), TWINS[4][0]);
        for (MountStrategy s : MountStrategy.supported()) {
            Overlay ov = Overlay.builder().lowerdirs(l1, l2).upperdir(upper).workdir(work).strategy(s).build();
            check(ov.lowerdirs().equals(Arrays.asList(l1, l2)), s, "lowerdirs() " + ov.lowerdirs());
            check(ov.upperdir().get().equals(upper) && ov.workdir().get().equals(work), s, "upperdir()/workdir()");
            try (OverlayMount m = ov.mount(target)) {
                check(m.target().equals(target), s, "target() " + m.target());
                check(read(target.resolve("f")).equals("L1"), s, "the top layer is lower-ü");
                check(read(target.resolve("only1")).equals("real1"), s, "lower-ü is mounted, not a twin");
                check(read(target.resolve("only2")).equals("real2"), s, "l\\xff is mounted, not a twin");
                Files.write(target.resolve("new-" + s), utf8("n"));
                check(Files.exists(upper.resolve("new-" + s)), s, "writes land in upper-ТЕСТ");
                MountInfo info = null;
                for (MountInfo i : Mounts.overlays()) {
                    info = i.mountId() == m.mountId() ? i : info;
                }
                check(info != null && info.target().equals(target), s, "mountinfo's target " + info);
                List<Path> lowers = info.lowerdirs();
                check(lowers.equals(Arrays.asList(l1, l2)), s, "mountinfo's lowerdirs " + lowers);
                check(info.upperdir().get().equals(upper) && info.workdir().get().equals(work), s,
                        "mountinfo's upperdir and workdir " + info);
                check(Files.isDirectory(lowers.get(1).resolve(".")), s, "mountinfo's path opens the layer");
                check(Mounts.isMountPoint(target) && !Mounts.isMountPoint(twinTarget), s, "isMountPoint");
                // The lossy twin of the target holds a mount too: unmounting by name removes the right one.
                try (OverlayMount twin = Overlay.builder().lowerdirs(l1, l2).strategy(s).build().mount(twinTarget)) {
                    Mounts.unmount(target);
                    check(!Mounts.isMountPoint(target) && Mounts.isMountPoint(twinTarget), s,
                            "Mounts.unmount(m\\xff) unmounted the twin");
                    check(twin.target().equals(twinTarget), s, "the twin's target");
                }
            }
            System.out.println("OK " + s);
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static void check(boolean ok, MountStrategy s, String what) {
        if (!ok) {
            throw new AssertionError(s + ": " + what);
        }
    }
}
