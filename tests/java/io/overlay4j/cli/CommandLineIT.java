package io.overlay4j.cli;

import io.overlay4j.MountInfo;
import io.overlay4j.Mounts;
import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mount(8) and umount(8) command lines through the CLI, on real mounts. */
@ExtendWith(MountGuard.class)
class CommandLineIT {
    @TempDir
    Path tmp;
    Layout l;
    Path lower3;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void layers() throws IOException {
        Root.assume();
        tmp = tmp.toRealPath();
        l = new Layout(tmp);
        lower3 = Files.createDirectories(tmp.resolve("lower3"));
        Layout.write(lower3.resolve("only3.txt"), "three");
    }

    int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true), new PrintStream(err, true)).run(args);
    }

    String out() {
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }

    static Optional<MountInfo> mountOn(Path target) throws IOException {
        return Mounts.overlays().stream().filter(m -> m.target().equals(target)).findFirst();
    }

    @Test
    void theSeedsCommandLineMountsQuietlyAndUmountUnmounts() throws Exception {
        String options = "lowerdir=" + l.lower1 + ":" + l.lower2 + ":" + lower3 + ",upperdir=" + l.upper + ",workdir="
                + l.work;
        assertEquals(Main.OK, run("mount", "-t", "overlay", "overlay", "-o", options, l.merged.toString()), err());
        try {
            assertEquals("", out() + err(), "mount(8) is quiet on success");
            MountInfo m = mountOn(l.merged).orElseThrow(AssertionError::new);
            assertEquals("overlay", m.source());
            assertEquals(Arrays.asList(l.lower1, l.lower2, lower3), m.lowerdirs());
            assertEquals("lower1", Layout.read(l.merged.resolve("same.txt")));
            assertEquals("three", Layout.read(l.merged.resolve("only3.txt")));
            Layout.write(l.merged.resolve("new.txt"), "written through merged");
            assertEquals("written through merged", Layout.read(l.upper.resolve("new.txt")));
        } finally {
            assertEquals(Main.OK, run("umount", l.merged.toString()), err());
        }
        assertEquals("", out() + err());
        assertFalse(mountOn(l.merged).isPresent());
    }

    @Test
    void theSourceWordIsWhatTheMountTableShows() throws Exception {
        assertEquals(Main.OK, run("mount", "-r", "--types=overlay", "image:layers 1", l.merged.toString(),
                "-olowerdir=" + l.lower1 + ":" + l.lower2), err());
        try {
            MountInfo m = mountOn(l.merged).orElseThrow(AssertionError::new);
            assertEquals("image:layers 1", m.source());
            assertTrue(m.mountOptions().contains("ro"), m.mountOptions().toString());
            assertThrows(IOException.class, () -> Layout.write(l.merged.resolve("x"), "read-only"));
        } finally {
            run("umount", l.merged.toString());
        }
    }

    @Test
    void flagWordsReachTheMount() throws Exception {
        assertEquals(Main.OK, run("mount", "-t", "overlay", "-o", "lowerdir=" + l.lower1 + ":" + l.lower2,
                "-o", "defaults,nosuid,nodev,noexec,noatime,noauto", "-vn", "overlay", l.merged.toString()), err());
        try {
            assertEquals("mounted overlay on " + l.merged + " with strategy ", out().replaceAll("[A-Z]+\n$", ""));
            MountInfo m = mountOn(l.merged).orElseThrow(AssertionError::new);
            assertTrue(m.mountOptions().containsAll(Arrays.asList("rw", "nosuid", "nodev", "noexec", "noatime")),
                    m.mountOptions().toString());
        } finally {
            run("umount", l.merged.toString());
        }
    }

    @Test
    void umountTakesSeveralTargetsAndGoesOnPastAFailure() throws Exception {
        Path second = Files.createDirectories(tmp.resolve("second"));
        Path notMounted = Files.createDirectories(tmp.resolve("not-mounted"));
        String ro = "lowerdir=" + l.lower1 + ":" + l.lower2;
        assertEquals(Main.OK, run("mount", "-o", ro, l.merged.toString()), err());
        assertEquals(Main.OK, run("mount", "-o", ro, second.toString()), err());
        assertEquals(Main.FAILED, run("umount", "-v", l.merged.toString(), notMounted.toString(), "--",
                second.toString()));
        assertEquals("unmounted " + l.merged + "\nunmounted " + second + "\n", out());
        assertEquals(1, err().split("\n").length, err());
        assertTrue(err().startsWith("overlay4j: unmount " + notMounted + " failed"), err());
        assertFalse(mountOn(l.merged).isPresent());
        assertFalse(mountOn(second).isPresent());

        assertEquals(Main.OK, run("mount", "-o", ro, l.merged.toString()), err());
        assertEquals(Main.OK, run("mount", "-o", ro, second.toString()), err());
        assertEquals(Main.OK, run("umount", "-lf", l.merged.toString(), second.toString()), err());
        assertEquals("", out() + err());
        assertFalse(mountOn(l.merged).isPresent());
        assertFalse(mountOn(second).isPresent());
    }
}
