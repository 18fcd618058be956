package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Names;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.overlay4j.testing.Layout.read;
import static io.overlay4j.testing.Layout.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any path: space , : \ = newline, non-ASCII, a leading '-', and a name that looks like an option. */
@ExtendWith(MountGuard.class)
class OddPathsIT {
    static final String[] ODD = {"sp ace", "co,mma", "co:lon", "back\\slash", "eq=ual", "new\nline", "ünïcødé",
            "-dash", "x,upperdir=ELSEWHERE", "x:y,z\\w=v\n-ü ", "trailing\\"};

    @TempDir
    Path tmp;
    List<Path> lowers = new ArrayList<>();
    Path upper;
    Path work;
    Path target;
    Path elsewhere;

    static List<MountStrategy> strategies() {
        return MountStrategy.supported();
    }

    @BeforeEach
    void setUp() throws IOException {
        Root.assume();
        elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        for (int i = 0; i < ODD.length; i++) {
            Path dir = Files.createDirectory(Names.child(tmp, ODD[i].replace("ELSEWHERE", elsewhere.toString().substring(1)
                    .replace('/', '_'))));
            write(dir.resolve("f"), Integer.toString(i));
            write(dir.resolve("only" + i), ODD[i]);
            lowers.add(dir);
        }
        // From UTF-8 bytes: whatever this JVM's locale, whose charset may not spell 'ü'.
        upper = Files.createDirectory(Names.child(tmp, "up ,:\\=\nü-"));
        work = Files.createDirectory(Names.child(tmp, "wk ,:\\=\nü-"));
        target = Files.createDirectory(Names.child(tmp, "-mnt ,:\\=\nü"));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void oddNamesMountWithoutInjection(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(lowers).upperdir(upper).workdir(work).strategy(strategy).build();
        try (OverlayMount m = ov.mount(target)) {
            assertEquals("0", read(target.resolve("f")), "the top layer wins");
            for (int i = 0; i < ODD.length; i++) {
                assertEquals(ODD[i], read(target.resolve("only" + i)), "layer " + i + " is in the stack");
            }
            write(target.resolve("new"), "n");
            assertEquals("n", read(upper.resolve("new")), "writes land in the real upperdir");
            try (Stream<Path> s = Files.list(elsewhere)) {
                assertFalse(s.findAny().isPresent(), "a layer name became an upperdir option");
            }

            MountInfo info = Mounts.overlays().stream().filter(i -> i.target().equals(m.target())).findFirst()
                    .orElseThrow(() -> new AssertionError("not in mountinfo: " + m.target()));
            assertEquals(ov.lowerdirs(), info.lowerdirs());
            assertEquals(recorded(strategy, upper), info.upperdir().get());
            assertEquals(recorded(strategy, work), info.workdir().get());
            assertTrue(Mounts.isMountPoint(target));
        }
        assertFalse(Mounts.isMountPoint(target));
    }

    /**
     * The kernel records upperdir and workdir strings as it was given them, and it
     * un-escapes backslashes in them only on the string strategy, so there overlay4j
     * passes (and mountinfo shows) each backslash doubled.
     */
    private static Path recorded(MountStrategy strategy, Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (strategy != MountStrategy.STRING) {
            return real;
        }
        java.io.ByteArrayOutputStream name = new java.io.ByteArrayOutputStream();
        byte[] all = Names.bytes(real);
        for (int i = Names.bytes(real.getParent()).length + 1; i < all.length; i++) {
            name.write(all[i]);
            if (all[i] == '\\') {
                name.write('\\');
            }
        }
        return Names.child(real.getParent(), name.toByteArray());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void oddNamesReadOnly(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(lowers).readOnly().strategy(strategy).build();
        try (OverlayMount m = ov.mount(target)) {
            assertEquals("0", read(target.resolve("f")));
            MountInfo info = Mounts.overlays().stream().filter(i -> i.target().equals(m.target())).findFirst().get();
            assertEquals(lowers.size(), info.lowerdirs().size());
            assertTrue(info.mountOptions().contains("ro"), info.toString());
        }
    }
}
