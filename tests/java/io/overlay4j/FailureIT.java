package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import io.overlay4j.cli.Main;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every class of bad input gives a typed exception whose message names the cause and
 * the path, and leaves nothing behind: no mount, no descriptor, nothing in upper or work.
 */
class FailureIT extends MountTestBase {
    private Overlay.Builder rw() {
        return Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work);
    }

    /** Runs a failing call and checks the exception and that nothing was left behind. */
    private FileSystemException fails(Class<? extends FileSystemException> type, String errnoName, Executable call,
            String... messageParts) throws IOException {
        List<String> mounts = MountGuard.mountPointsUnder(tmp);
        TreeMap<String, String> fds = openDescriptors();
        FileSystemException e = assertThrows(FileSystemException.class, call);
        assertInstanceOf(type, e, e.toString());
        ErrnoException errno = (ErrnoException) e;
        assertEquals(errnoName, errno.errnoName(), e.getMessage());
        assertTrue(e.getMessage().endsWith("(" + errnoName + ", errno " + errno.errno() + ")"), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
        assertEquals(mounts, MountGuard.mountPointsUnder(tmp), "something stayed mounted");
        assertEquals(new TreeMap<String, String>(), added(fds, openDescriptors()), "descriptors were leaked");
        assertEmpty(l.upper);
        assertEmpty(l.work);
        return e;
    }

    /** Descriptors open in after that were not open (to the same file) in before. */
    static TreeMap<String, String> added(TreeMap<String, String> before, TreeMap<String, String> after) {
        TreeMap<String, String> added = new TreeMap<>(after);
        added.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        return added;
    }

    static TreeMap<String, String> openDescriptors() throws IOException {
        TreeMap<String, String> fds = new TreeMap<>();
        try (Stream<Path> s = Files.list(java.nio.file.Paths.get("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    // Listings of /proc/self/fd (this one among them) are not what is being checked, nor
                    // the JVM's own reads of its cgroup's memory files (GC ergonomics, any thread, any time).
                    if (!target.matches("/proc/[0-9]+/fd") && !target.startsWith("/sys/fs/cgroup/")) {
                        fds.put(p.getFileName().toString(), target);
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return fds;
    }

    static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = new ArrayList<>();
            s.forEach(left::add);
            assertEquals(new ArrayList<Path>(), left, dir + " is not empty");
        }
    }

    @Test
    void noLowerdir() throws IOException {
        fails(FileSystemException.class, "EINVAL", () -> Overlay.builder().upperdir(l.upper).workdir(l.work).build(),
                "no lowerdir given");
    }

    @Test
    void missingLowerdir() throws IOException {
        Path missing = tmp.resolve("missing");
        FileSystemException e = fails(NoSuchFileException.class, "ENOENT",
                () -> rw().lowerdirs(l.lower1, missing).build(), "lowerdir 2 " + missing, "does not exist");
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void missingUpperdirAndWorkdir() throws IOException {
        fails(NoSuchFileException.class, "ENOENT", () -> rw().upperdir(tmp.resolve("nu")).build(),
                "upperdir " + tmp.resolve("nu"));
        fails(NoSuchFileException.class, "ENOENT", () -> rw().workdir(tmp.resolve("nw")).build(),
                "workdir " + tmp.resolve("nw"));
    }

    @Test
    void missingTarget() throws IOException {
        Overlay ov = rw().build();
        fails(NoSuchFileException.class, "ENOENT", () -> ov.mount(tmp.resolve("nt")),
                "mount overlay on " + tmp.resolve("nt") + " failed: target " + tmp.resolve("nt") + " does not exist");
    }

    @Test
    void notADirectory() throws IOException {
        Path file = Files.createFile(tmp.resolve("file"));
        fails(NotDirectoryException.class, "ENOTDIR", () -> rw().lowerdirs(file, l.lower2).build(),
                "lowerdir 1 " + file.toRealPath() + " is not a directory");
        Overlay ov = rw().build();
        fails(NotDirectoryException.class, "ENOTDIR", () -> ov.mount(file), "target " + file + " is not a directory");
    }

    @Test
    void upperdirWithoutWorkdir() throws IOException {
        fails(FileSystemException.class, "EINVAL",
                () -> Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).build().mount(l.merged),
                "upperdir " + l.upper + " given without workdir");
    }

    @Test
    void workdirWithoutUpperdir() throws IOException {
        fails(FileSystemException.class, "EINVAL",
                () -> Overlay.builder().lowerdirs(l.lower1, l.lower2).workdir(l.work).build(),
                "workdir " + l.work + " given without upperdir");
    }

    @Test
    void upperAndWorkOnDifferentFilesystems() throws Exception {
        Path fs = Files.createDirectory(tmp.resolve("tmpfs"));
        Processes.succeed("mount", "-t", "tmpfs", "o4j-test", fs.toString());
        try {
            Path work = Files.createDirectory(fs.resolve("work"));
            fails(FileSystemException.class, "EINVAL", () -> rw().workdir(work).build(),
                    "upperdir " + l.upper.toRealPath() + " and workdir " + work.toRealPath()
                            + " are on different filesystems; overlayfs needs both on the same one");
        } finally {
            Processes.succeed("umount", fs.toString());
        }
    }

    @Test
    void upperAndWorkOnDifferentMounts() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path bind = Files.createDirectory(tmp.resolve("bind"));
        Processes.succeed("mount", "--bind", src.toString(), bind.toString());
        try {
            Path work = Files.createDirectory(bind.resolve("work"));
            fails(FileSystemException.class, "EINVAL", () -> rw().workdir(work).build(),
                    "are on different mounts of the same filesystem");
        } finally {
            Processes.succeed("umount", bind.toString());
        }
    }

    @Test
    void workdirInsideUpperdirAndTheReverse() throws IOException {
        Path up = Files.createDirectory(tmp.resolve("up"));
        Path inner = Files.createDirectory(up.resolve("inner"));
        fails(FileSystemException.class, "EINVAL", () -> rw().upperdir(up).workdir(inner).build(),
                "workdir " + inner.toRealPath() + " is inside upperdir " + up.toRealPath(),
                "must be separate directories");
        Path outerWork = Files.createDirectory(tmp.resolve("outer"));
        Path innerUpper = Files.createDirectory(outerWork.resolve("up"));
        fails(FileSystemException.class, "EINVAL", () -> rw().upperdir(innerUpper).workdir(outerWork).build(),
                "upperdir " + innerUpper.toRealPath() + " is inside workdir " + outerWork.toRealPath());
    }

    @Test
    void sameDirectoryTwice() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("alias"), l.lower1);
        fails(FileSystemLoopException.class, "ELOOP", () -> rw().lowerdirs(l.lower1, link).build(),
                "lowerdir 1 and lowerdir 2 are the same directory " + l.lower1.toRealPath());
        fails(FileSystemLoopException.class, "ELOOP", () -> rw().upperdir(l.lower2).build(),
                "lowerdir 2 and upperdir are the same directory " + l.lower2.toRealPath());
        fails(FileSystemException.class, "EINVAL", () -> rw().workdir(l.upper).build(),
                "upperdir and workdir are the same directory");
    }

    @Test
    void nestedLowerdirs() throws IOException {
        Path nested = Files.createDirectory(l.lower1.resolve("nested"));
        fails(FileSystemLoopException.class, "ELOOP", () -> rw().lowerdirs(nested, l.lower2, l.lower1).build(),
                "lowerdir 1 " + nested.toRealPath() + " is inside lowerdir 3 " + l.lower1.toRealPath());
    }

    @Test
    void upperdirInsideLowerdir() throws IOException {
        Path up = Files.createDirectory(l.lower2.resolve("up"));
        Path wk = Files.createDirectory(l.lower2.resolve("wk"));
        fails(FileSystemException.class, "EINVAL", () -> rw().upperdir(up).workdir(wk).build(),
                "upperdir " + up.toRealPath() + " is inside lowerdir 2 " + l.lower2.toRealPath(),
                "would change that lower layer");
    }

    @Test
    void lowerdirInsideUpperdir() throws IOException {
        Path up = Files.createDirectory(tmp.resolve("up"));
        Path inner = Files.createDirectory(up.resolve("layer"));
        fails(FileSystemLoopException.class, "ELOOP", () -> rw().lowerdirs(inner, l.lower2).upperdir(up).build(),
                "lowerdir 1 " + inner.toRealPath() + " is inside upperdir " + up.toRealPath());
    }

    @Test
    void singleLowerdirWithoutUpperdir() throws IOException {
        fails(FileSystemException.class, "EINVAL", () -> Overlay.builder().lowerdirs(l.lower1).build(),
                "a single lowerdir " + l.lower1 + " without upperdir", "at least 2 lowerdirs", l.lower1.toString());
    }

    @Test
    void moreThan500Lowerdirs() throws IOException {
        List<Path> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(l.lower1);
        }
        fails(FileSystemException.class, "EINVAL", () -> rw().lowerdirs(many).build(),
                "501 lower layers given; the kernel stacks at most 500");
    }

    @Test
    void badOptionValuesFailAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rw().option("index", "maybe"));
        assertEquals("option index takes a value, one of on, off, not \"maybe\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rw().option("volatile", "yes"));
        assertThrows(IllegalArgumentException.class, () -> rw().option("redirect_dir"));
    }

    @Test
    void conflictingOptions() throws IOException {
        fails(FileSystemException.class, "EINVAL", () -> rw().option("verity", "on").build(),
                "option verity=on needs metacopy=on");
        fails(FileSystemException.class, "EINVAL",
                () -> rw().option("metacopy", "on").option("nfs_export", "on").build(), "conflict");
        fails(FileSystemException.class, "EINVAL",
                () -> Overlay.builder().lowerdirs(l.lower1, l.lower2).option("volatile").build(),
                "option volatile needs an upperdir");
        fails(FileSystemException.class, "EINVAL",
                () -> rw().option("metacopy", "on").option("redirect_dir", "follow").build(),
                "metacopy=on and redirect_dir=follow conflict");
        // What the kernel accepts passes: metacopy with redirect_dir=on mounts.
        rw().option("metacopy", "on").option("redirect_dir", "on").build().mount(l.merged).close();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void unknownOptionReachesTheKernel(MountStrategy strategy) throws IOException {
        Overlay ov = rw().option("bogus", "1").strategy(strategy).build();
        FileSystemException e = fails(FileSystemException.class, "EINVAL", () -> ov.mount(l.merged),
                "mount overlay on " + l.merged.toRealPath() + " failed");
        if (strategy != MountStrategy.LEGACY) {
            assertTrue(e.getMessage().contains("the kernel says: overlay: Unknown parameter 'bogus'"), e.getMessage());
            assertEquals("fsconfig", ((ErrnoException) e).operation());
        }
    }

    @Test
    void unprivilegedCallerGetsEpermWithAHint() throws Exception {
        Path shared = Files.createTempDirectory("overlay4j-unpriv-");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Layout u = new Layout(shared);
            Path jar = Files.copy(JarAloneIT.jar(), shared.resolve("overlay4j.jar"));
            Processes.Result r = Processes.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Processes.java(), "-jar", jar.toString(), "mount", "--lowerdir", u.lower1.toString(),
                    "--lowerdir", u.lower2.toString(), u.merged.toString());
            String out = r.output;
            assertEquals(Main.PERMISSION, r.exit, out);
            assertTrue(out.contains("(EPERM, errno"), out);
            assertTrue(out.contains("CAP_SYS_ADMIN"), out);
            assertEquals(1, out.trim().split("\n").length, out);
        } finally {
            Processes.succeed("rm", "-rf", shared.toString());
        }
    }

}
