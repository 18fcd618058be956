package io.overlay4j.cli;

import io.overlay4j.MountInfo;
import io.overlay4j.Mounts;
import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
                "-o", "defaults,nosuid,nodev,noexec,noatime,noauto,nodiratime,nosymfollow", "-vn", "overlay",
                l.merged.toString()), err());
        try {
            assertEquals("mount: overlay mounted on " + l.merged + ".\n", out());
            MountInfo m = mountOn(l.merged).orElseThrow(AssertionError::new);
            assertTrue(m.mountOptions().containsAll(Arrays.asList("rw", "nosuid", "nodev", "noexec", "noatime",
                    "nodiratime", "nosymfollow")), m.mountOptions().toString());
        } finally {
            run("umount", l.merged.toString());
        }
        assertEquals(Main.OK, run("mount", "-o", "strictatime,lowerdir=" + l.lower1 + ":" + l.lower2,
                l.merged.toString()), err());
        try {
            List<String> flags = mountOn(l.merged).orElseThrow(AssertionError::new).mountOptions();
            assertFalse(flags.contains("relatime") || flags.contains("noatime"), flags.toString());
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
        // As umount(8): -v and errors on stderr, in order.
        String[] lines = err().split("\n");
        assertEquals(3, lines.length, err());
        assertEquals("umount: " + l.merged + " (overlay) unmounted", lines[0]);
        assertTrue(lines[1].startsWith("overlay4j: unmount " + notMounted + " failed"), err());
        assertEquals("umount: " + second + " (overlay) unmounted", lines[2]);
        assertEquals("", out());
        assertFalse(mountOn(l.merged).isPresent());
        assertFalse(mountOn(second).isPresent());

        assertEquals(Main.OK, run("mount", "-o", ro, l.merged.toString()), err());
        assertEquals(Main.OK, run("mount", "-o", ro, second.toString()), err());
        assertEquals(Main.OK, run("umount", "-lf", l.merged.toString(), second.toString()), err());
        assertEquals("", out() + err());
        assertFalse(mountOn(l.merged).isPresent());
        assertFalse(mountOn(second).isPresent());

        // -q: nothing said for a target that is not mounted; the exit code still says it failed.
        assertEquals(Main.FAILED, run("umount", "-q", notMounted.toString()));
        assertEquals("", out() + err());
    }

    @Test
    void xMountMkdirCreatesTheTarget() throws Exception {
        Path target = tmp.resolve("new/target");
        assertEquals(Main.OK, run("mount", "-o", "X-mount.mkdir=0700,lowerdir=" + l.lower1 + ":" + l.lower2,
                target.toString()), err());
        try {
            assertEquals("lower1", Layout.read(target.resolve("same.txt")));
        } finally {
            run("umount", target.toString());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    /** `mount -t overlay` lists as util-linux's mount(8) lists: the same lines, byte for byte. */
    @Test
    void listingIsMount8s() throws Exception {
        Path odd = Files.createDirectories(tmp.resolve("odd dir,x"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        assertEquals(Main.OK, run("mount", "-o", "nosuid,lowerdir=" + l.lower1 + ":" + l.lower2 + ",upperdir="
                + l.upper + ",workdir=" + l.work, "my src", l.merged.toString()), err());
        try {
            assertEquals(Main.OK, run("mount", "-r", "--strategy=legacy", "-o", "lowerdir=" + l.lower2 + ":"
                    + odd.toString().replace(",", "\\,"), second.toString()), err());
            try {
                Processes.Result system = Processes.run("mount", "-t", "overlay");
                assertEquals(0, system.exit, system.output);
                assertEquals(Main.OK, run("mount", "-l", "-t", "overlay"), err());
                String ours = out();
                for (Path t : Arrays.asList(l.merged, second)) {
                    assertEquals(lineFor(system.output, t), lineFor(ours, t));
                }
                assertTrue(lineFor(ours, l.merged).startsWith("my src on " + l.merged + " type overlay (rw,nosuid,"),
                        ours);
            } finally {
                run("umount", second.toString());
            }
        } finally {
            run("umount", l.merged.toString());
        }
    }

    private static String lineFor(String listing, Path target) {
        for (String line : listing.split("\n")) {
            if (line.contains(" on " + target + " type ")) {
                return line;
            }
        }
        throw new AssertionError("no line for " + target + " in:\n" + listing);
    }

    /** A name cannot fake a row or a column of list: newline, space and backslash come out escaped. */
    @Test
    void listCannotBeForged() throws Exception {
        Path forged = Files.createDirectory(tmp.resolve("x\n99 fake 2 -\\ y"));
        assertEquals(Main.OK, run("mount", "-o", "lowerdir=" + l.lower1 + ":" + l.lower2, forged.toString()), err());
        try {
            assertEquals(Main.OK, run("list"), err());
            String row = Arrays.stream(out().split("\n")).filter(s -> s.contains("x\\012"))
                    .findFirst().orElseThrow(AssertionError::new);
            assertTrue(row.contains(tmp + "/x\\01299\\040fake\\0402\\040-\\134\\040y "), out());
            // Other overlays of the machine may be listed too: one row is this one, and none is made of its name.
            assertEquals(1, Arrays.stream(out().split("\n")).filter(s -> s.contains(tmp.toString())).count(), out());
            assertFalse(Arrays.stream(out().split("\n")).anyMatch(s -> s.startsWith("99 ")), out());
        } finally {
            run("umount", forged.toString());
        }
    }

    @Test
    void umountRefusesWhatIsNoOverlay() throws Exception {
        Processes.succeed("mount", "-t", "tmpfs", "o4j-tmpfs", l.merged.toString());
        try {
            assertEquals(Main.FAILED, run("umount", l.merged.toString()));
            assertEquals("overlay4j: unmount " + l.merged + " failed: " + l.merged + " is not an overlay mount point; "
                    + "overlay4j unmounts overlays only (use umount(8) for other mounts) (EINVAL, errno 22)\n", err());
            assertTrue(Mounts.isMountPoint(l.merged));
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
    }

    @Test
    void diffPrintsDockerDiffLinesAndExportWritesTheLayer() throws Exception {
        String layers = "lowerdir=" + l.lower1 + ":" + l.lower2 + ",upperdir=" + l.upper;
        assertEquals(Main.OK, run("mount", "-o", layers + ",workdir=" + l.work, l.merged.toString()), err());
        try {
            Layout.write(l.merged.resolve("new file"), "new");
            Layout.write(l.merged.resolve("same.txt"), "changed");
            Files.delete(l.merged.resolve("doomed.txt"));
            // While mounted, and with --lowerdir/--upperdir as mount takes them.
            assertEquals(Main.OK, run("diff", "--lowerdir", l.lower1.toString(), "--lowerdir", l.lower2.toString(),
                    "--upperdir", l.upper.toString()), err());
            assertEquals("D /doomed.txt\nA /new file\nC /same.txt\n", out());
        } finally {
            assertEquals(Main.OK, run("umount", l.merged.toString()), err());
        }
        assertEquals(Main.OK, run("diff", "-o", layers), err());
        assertEquals("D /doomed.txt\nA /new file\nC /same.txt\n", out());
        assertEquals(Main.OK, run("export", "-o", layers), err());
        byte[] toStdout = out.toByteArray();
        Path file = tmp.resolve("layer.tar");
        assertEquals(Main.OK, run("export", "-o", layers, "--file", file.toString()), err());
        assertArrayEquals(toStdout, Files.readAllBytes(file));
        Process list = new ProcessBuilder("tar", "-tf", file.toString()).start();
        String names = new String(Processes.readAll(list.getInputStream()), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor());
        assertEquals(".wh.doomed.txt\nnew file\nsame.txt\n", names);
        assertEquals(Main.USAGE, run("diff", "-o", layers, "extra"));
        assertEquals(Main.USAGE, run("diff", "-f", file.toString(), "-o", layers));
        assertEquals(Main.FAILED, run("diff", "-o", "lowerdir=" + l.lower1 + ":" + l.lower2));
        assertTrue(err().contains("has no upperdir"), err());
        assertEquals(Main.NOT_FOUND, run("diff", "-o", "lowerdir=" + l.lower1 + ",upperdir=" + tmp.resolve("no")));
    }
}
