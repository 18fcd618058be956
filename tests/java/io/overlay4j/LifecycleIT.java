package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.RecordingLogger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the kernel lets happen quietly, made loud: shared upperdirs, dmesg-only refusals, downgrades, close(). */
class LifecycleIT extends MountTestBase {
    static String errno(Exception e) {
        return ((ErrnoException) e).errnoName();
    }

    Overlay withUpper() throws IOException {
        return Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).build();
    }

    @Test
    void oneOverlayOnFiftyTargetsFromFiftyThreadsMountsOnce() throws Exception {
        Overlay ov = withUpper();
        List<Path> targets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            targets.add(Files.createDirectory(tmp.resolve("t" + i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<OverlayMount>> results = new ArrayList<>();
        for (Path t : targets) {
            results.add(pool.submit(() -> {
                start.await();
                return ov.mount(t);
            }));
        }
        start.countDown();
        List<OverlayMount> mounted = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<OverlayMount> f : results) {
            try {
                mounted.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                assertTrue(cause instanceof FileSystemException, String.valueOf(cause));
                assertEquals("EBUSY", errno((Exception) cause), cause.getMessage());
                refusals.add(cause.getMessage());
            }
        }
        pool.shutdown();
        try {
            assertEquals(1, mounted.size(), "exactly one wins: " + refusals);
            assertEquals(49, refusals.size());
            for (String r : refusals) {
                assertTrue(r.contains("upperdir " + l.upper.toRealPath() + " is in use by ")
                        && r.contains("Builder.allowSharedUpperdir()"), r);
            }
            assertTrue(refusals.stream().anyMatch(r -> r.contains("the overlay4j mount of this process on "
                    + mounted.get(0).target() + " (mount ID " + mounted.get(0).mountId() + ")")), refusals.toString());
        } finally {
            for (OverlayMount m : mounted) {
                m.close();
            }
        }
        // Released with the mount: the upper is free again.
        ov.mount(targets.get(7)).close();
    }

    @Test
    void anUpperdirAnotherProcessMountedIsRefusedNamingThatMount() throws Exception {
        Processes.succeed("mount", "-t", "overlay", "overlay", "-o", withUpper().options(), l.merged.toString());
        try {
            long theirs = Mounts.overlays().stream().filter(m -> m.target().equals(l.merged)).findFirst()
                    .orElseThrow(AssertionError::new).mountId();
            Path other = Files.createDirectory(tmp.resolve("other"));
            FileSystemException e = assertThrows(FileSystemException.class, () -> withUpper().mount(other));
            assertEquals("EBUSY", errno(e));
            assertTrue(e.getMessage().contains("upperdir " + l.upper.toRealPath() + " is in use by the overlay "
                    + "mounted on " + l.merged + " (mount ID " + theirs + ")"), e.getMessage());
            assertFalse(Mounts.isMountPoint(other));
            // The kernel's behaviour, asked for explicitly.
            Overlay shared = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                    .allowSharedUpperdir().build();
            shared.mount(other).close();
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
    }

    /**
     * Mounted by another process after this one last looked at the mount table, with a name the
     * kernel escapes (comma, space, backslash, colon): the listmount/statmount watch sees it anew
     * and decodes the name to the same bytes.
     */
    @Test
    void anUpperdirMountedElsewhereSinceTheLastLookIsRefusedWhateverItsName() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("up, per\\x:1"));
        Path work = Files.createDirectory(tmp.resolve("wo,rk 1"));
        Overlay ours = Overlay.builder().lowerdirs(l.lower1).upperdir(upper).workdir(work).build();
        Path other = Files.createDirectory(tmp.resolve("other"));
        ours.mount(other).close(); // looked at the table; nothing uses these yet
        Processes.succeed("mount", "-t", "overlay", "overlay", "-o", ours.options(), l.merged.toString());
        try {
            FileSystemException e = assertThrows(FileSystemException.class, () -> ours.mount(other));
            assertEquals("EBUSY", errno(e));
            assertTrue(e.getMessage().contains("is in use by the overlay mounted on " + l.merged), e.getMessage());
            assertFalse(Mounts.isMountPoint(other));
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
        ours.mount(other).close(); // free again once it is gone
    }

    /**
     * Another process's overlay mounted with fsconfig strings (the string strategy) shows its
     * upperdir with overlay's backslash escapes, an fd-made one shows it bare: both are seen.
     */
    @ParameterizedTest
    @ValueSource(strings = {"string", "fd", "legacy"})
    void anUpperdirWithABackslashMountedElsewhereIsRefused(String strategy) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("back\\slash"));
        Path upper = Files.createDirectory(dir.resolve("up"));
        Path work = Files.createDirectory(dir.resolve("wo\\rk"));
        Processes.succeed(Processes.java(), "-jar", JarAloneIT.jar().toString(), "mount", "--strategy", strategy,
                "--lowerdir", l.lower1.toString(), "--upperdir", upper.toString(), "--workdir", work.toString(),
                l.merged.toString());
        try {
            Path other = Files.createDirectory(tmp.resolve("other"));
            FileSystemException e = assertThrows(FileSystemException.class, () -> Overlay.builder()
                    .lowerdirs(l.lower2).upperdir(upper).workdir(work).build().mount(other));
            assertEquals("EBUSY", errno(e));
            assertTrue(e.getMessage().contains("is in use by the overlay mounted on " + l.merged), e.getMessage());
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
    }

    @Test
    void combinationsTheKernelRefusesOnlyInDmesgFailInBuild() {
        for (String[] o : new String[][] {{"metacopy", "on"}, {"redirect_dir", "on"}}) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> Overlay.builder()
                    .lowerdirs(l.lower1, l.lower2).option("userxattr").option(o[0], o[1]).build());
            assertTrue(e.getMessage().contains("options userxattr and " + o[0] + "=" + o[1] + " conflict"),
                    e.getMessage());
        }
        FileSystemException e = assertThrows(FileSystemException.class, () -> Overlay.builder()
                .lowerdirs(l.lower1, l.lower2).option("nfs_export", "on").option("index", "off").build());
        assertTrue(e.getMessage().contains("options nfs_export=on and index=off conflict"), e.getMessage());
    }

    @Test
    void kernelGeneratedFilesystemsAreRefusedAsLayers() {
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> Overlay.builder().lowerdirs(Paths.get("/proc/sys"), l.lower1).build());
        assertTrue(e.getMessage().contains("lowerdir 1 /proc/sys is on procfs, a tree the kernel generates"),
                e.getMessage());
        e = assertThrows(FileSystemException.class, () -> Overlay.builder().lowerdirs(l.lower1)
                .upperdir(Paths.get("/sys/kernel/mm")).workdir(Paths.get("/sys/kernel/security")).build());
        assertTrue(e.getMessage().contains("upperdir /sys/kernel/mm is on sysfs"), e.getMessage());
    }

    @Test
    void anOverlayOnAStackedOverlayIsNamedBeforeTheSyscall() throws Exception {
        Path inner = Files.createDirectory(tmp.resolve("inner"));
        Path outer = Files.createDirectory(tmp.resolve("outer"));
        Files.createDirectory(l.lower1.resolve("dir"));
        try (OverlayMount a = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(inner);
                OverlayMount b = Overlay.builder().lowerdirs(inner.resolve("dir"), l.lower2).build().mount(outer)) {
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Overlay.builder().lowerdirs(outer, l.lower1).build());
            assertEquals("EINVAL", errno(e));
            assertTrue(e.getMessage().contains("lowerdir 1 " + outer + " is on the overlay mounted on " + outer
                    + " (mount ID " + b.mountId() + "), whose layer " + inner + "/dir is on an overlay itself; the "
                    + "kernel stacks overlays at most 2 deep"), e.getMessage());
            // One level of stacking is fine.
            Path third = Files.createDirectory(tmp.resolve("third"));
            Overlay.builder().lowerdirs(inner, l.lower2).build().mount(third).close();
            assertTrue(a.isMounted());
        }
    }

    @Test
    void aVolatileWorkdirLeftBehindIsExplained() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .option("volatile").build();
        ov.mount(l.merged).close();
        FileSystemException e = assertThrows(FileSystemException.class, () -> Overlay.builder()
                .lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).build());
        assertEquals("EINVAL", errno(e));
        assertTrue(e.getMessage().contains("holds work/incompat/volatile: an overlay was mounted on this upperdir "
                + "with the volatile option"), e.getMessage());
        // Already built: the kernel refuses, and the message says the same rather than guess.
        e = assertThrows(FileSystemException.class, () -> ov.mount(l.merged));
        assertTrue(e.getMessage().contains("holds work/incompat/volatile"), e.getMessage());
        // Doing what it says works.
        Files.delete(l.work.resolve("work/incompat/volatile/dirty"));
        Files.delete(l.work.resolve("work/incompat/volatile"));
        ov.mount(l.merged).close();
    }

    @Test
    void anEinvalWithoutWordsPointsToTheKernelLog() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).option("no_such_option")
                .strategy(MountStrategy.LEGACY).build();
        FileSystemException e = assertThrows(FileSystemException.class, () -> ov.mount(l.merged));
        assertEquals("EINVAL", errno(e));
        assertTrue(e.getMessage().contains("the kernel gave no reason to the caller; it wrote it to the kernel log: "
                + "see dmesg"), e.getMessage());
    }

    @Test
    void whatTheKernelChangedIsWarnedAndShown() throws Exception {
        Path ramfs = Files.createDirectory(tmp.resolve("ramfs"));
        Processes.succeed("mount", "-t", "ramfs", "o4j-ramfs", ramfs.toString());
        try {
            Path upper = Files.createDirectory(ramfs.resolve("upper"));
            Path work = Files.createDirectory(ramfs.resolve("work"));
            RecordingLogger.clear();
            try (OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(upper).workdir(work)
                    .option("redirect_dir", "on").option("uuid", "on").build().mount(l.merged)) {
                assertEquals("nofollow", m.info().options().get("redirect_dir"));
                assertEquals("null", m.info().options().get("uuid"));
                List<String> warnings = RecordingLogger.events().stream().filter(s -> s.startsWith("WARN"))
                        .collect(Collectors.toList());
                assertEquals(2, warnings.size(), warnings.toString());
                assertTrue(warnings.get(0).contains("was asked redirect_dir=on and the kernel uses "
                        + "redirect_dir=nofollow"), warnings.toString());
                assertTrue(warnings.get(1).contains("was asked uuid=on and the kernel uses uuid=null"),
                        warnings.toString());
            }
        } finally {
            Processes.succeed("umount", ramfs.toString());
        }
    }

    @Test
    void aPlainMountLogsNothingAboveDebug() throws Exception {
        RecordingLogger.clear();
        try (OverlayMount m = withUpper().mount(l.merged)) {
            assertTrue(m.info().mountOptions().contains("rw"));
        }
        assertEquals(0, RecordingLogger.events().stream().filter(s -> !s.startsWith("DEBUG")).count(),
                RecordingLogger.events().toString());
    }

    @Test
    void closeFindsItsMountAfterTheParentWasRenamed() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("p/merged")).getParent();
        OverlayMount m = withUpper().mount(parent.resolve("merged"));
        Path moved = Files.move(parent, tmp.resolve("q"));
        assertTrue(Mounts.isMountPoint(moved.resolve("merged")));
        m.close();
        assertFalse(m.isMounted());
        assertFalse(Mounts.isMountPoint(moved.resolve("merged")));
        assertFalse(Mounts.overlays().stream().anyMatch(i -> i.mountId() == m.mountId()));
    }

    @Test
    void theRegistryForgetsMountsOthersRemoved() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).build();
        int before = ActiveMounts.size();
        for (int i = 0; i < 300; i++) {
            Path t = Files.createDirectory(tmp.resolve("r" + i));
            ov.mount(t);
            Mounts.unmount(t); // behind the OverlayMount's back
        }
        assertTrue(ActiveMounts.size() - before <= 128, "claims held: " + (ActiveMounts.size() - before));
    }

    @Test
    void anOverlayMountCollectedWhileMountedIsReportedOnce() throws Exception {
        Path t = Files.createDirectory(tmp.resolve("leaked"));
        long id = leak(t);
        RecordingLogger.clear();
        Path probe = Files.createDirectory(tmp.resolve("probe"));
        String warning = null;
        for (int i = 0; i < 50 && warning == null; i++) {
            System.gc();
            Thread.sleep(20);
            // Leaks are reported when the registry is next used.
            Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(probe).close();
            warning = RecordingLogger.events().stream().filter(s -> s.startsWith("WARN") && s.contains(
                    "garbage-collected")).findFirst().orElse(null);
        }
        try {
            assertTrue(warning != null && warning.contains("the overlay on " + t.toRealPath() + " (mount ID " + id
                    + ") stays mounted"), String.valueOf(warning));
            assertTrue(Mounts.isMountPoint(t), "the mount itself is left alone");
        } finally {
            Mounts.unmount(t);
        }
    }

    private long leak(Path t) throws IOException {
        return Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(t).mountId();
    }

    @Test
    void aReadWriteOverlayOnAnUpperWithoutRoomIsReadOnlyAndSaysSo() throws Exception {
        // A workdir the kernel cannot create work/ in: the kernel falls back to read-only and says so only in dmesg.
        Path small = Files.createDirectory(tmp.resolve("small"));
        Processes.succeed("mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=4", "o4j-small", small.toString());
        try {
            Path upper = Files.createDirectory(small.resolve("upper"));
            Path work = Files.createDirectory(small.resolve("work"));
            Layout.write(small.resolve("filler"), "x"); // the last free inode
            RecordingLogger.clear();
            try (OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(upper).workdir(work)
                    .build().mount(l.merged)) {
                assertTrue(m.info().options().containsKey("ro") || m.info().mountOptions().contains("ro"),
                        m.info().toString());
                assertTrue(RecordingLogger.events().stream().anyMatch(s -> s.startsWith("WARN")
                        && s.contains("was asked read-write, and the kernel mounted it read-only")),
                        RecordingLogger.events().toString());
            }
        } finally {
            Processes.succeed("umount", small.toString());
        }
    }

    /** The kernel gives the ID of a mount that is gone to the next one: close() must tell them apart. */
    @Test
    void closeLeavesAMountThatGotItsIdAfterItWasGone() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.write(other.resolve("theirs.txt"), "theirs".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Another process mounting meanwhile may take the ID first: then try again with a new mount.
        for (int attempt = 1;; attempt++) {
            OverlayMount ours = withUpper().mount(l.merged);
            Processes.succeed("umount", l.merged.toString()); // behind its back
            boolean reused = mountTheirsWithId(other, ours.mountId());
            try {
                if (!reused && attempt < 5) {
                    continue;
                }
                assertTrue(reused, "mount ID " + ours.mountId() + " never came back in 5 attempts");
                ours.close();
                assertFalse(ours.isMounted());
                assertTrue(Mounts.isMountPoint(l.merged), "their mount with our old ID is left alone");
                assertEquals("theirs", Layout.read(l.merged.resolve("theirs.txt")));
                // Nor does a stale claim of ours refuse a mount: the upperdir is free.
                Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
                withUpper().mount(elsewhere).close();
                return;
            } finally {
                if (Mounts.isMountPoint(l.merged)) {
                    Processes.succeed("umount", l.merged.toString());
                }
                try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
                    for (Path p : s.filter(p -> p.getFileName().toString().startsWith("placeholder"))
                            .collect(Collectors.toList())) {
                        Processes.succeed("umount", p.toString());
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /**
     * Mounts an overlay of other layers on merged with mount(8) with the ID wanted: the kernel
     * gives the lowest free ID, so lower free ones are taken by tmpfs placeholders (under tmp)
     * first. False when another process took the ID.
     */
    private boolean mountTheirsWithId(Path lower, long wanted) throws Exception {
        for (int i = 0; i < 50; i++) {
            Processes.succeed("mount", "-t", "overlay", "theirs", "-o", "lowerdir=" + lower + ":" + l.lower2,
                    l.merged.toString());
            long id = Mounts.overlays().stream().filter(m -> m.target().equals(l.merged)).findFirst()
                    .orElseThrow(AssertionError::new).mountId();
            if (id >= wanted) {
                return id == wanted;
            }
            Processes.succeed("umount", l.merged.toString());
            Path placeholder = Files.createDirectory(tmp.resolve("placeholder" + i));
            Processes.succeed("mount", "-t", "tmpfs", "o4j-placeholder", placeholder.toString());
        }
        return false;
    }

    @Test
    void aMountWhoseParentWasRenamedStillHoldsItsUpperdir() throws Exception {
        Path p = Files.createDirectories(tmp.resolve("p"));
        Path upper = Files.createDirectory(p.resolve("u"));
        Path work = Files.createDirectory(p.resolve("w"));
        Path m = Files.createDirectory(p.resolve("m"));
        OverlayMount first = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(upper).workdir(work).build()
                .mount(m);
        Path q = Files.move(p, tmp.resolve("q"));
        try {
            Path m2 = Files.createDirectory(q.resolve("m2"));
            FileSystemException e = assertThrows(FileSystemException.class, () -> Overlay.builder()
                    .lowerdirs(l.lower1, l.lower2).upperdir(q.resolve("u")).workdir(q.resolve("w")).build().mount(m2));
            assertEquals("EBUSY", errno(e));
            assertTrue(e.getMessage().contains("is in use by the overlay4j mount of this process"), e.getMessage());
        } finally {
            first.close();
        }
        assertFalse(Mounts.isMountPoint(q.resolve("m")));
    }

    @Test
    void aDowngradeToTheModulesDefaultIsWarnedToo() throws Exception {
        Path ramfs = Files.createDirectory(tmp.resolve("ramfs"));
        Processes.succeed("mount", "-t", "ramfs", "o4j-ramfs", ramfs.toString());
        try {
            Path lower = Files.createDirectory(ramfs.resolve("lower"));
            RecordingLogger.clear();
            // No file handles on ramfs: the kernel falls back to index=off, which it does not show.
            try (OverlayMount m = Overlay.builder().lowerdirs(lower, l.lower2).upperdir(l.upper).workdir(l.work)
                    .option("index", "on").build().mount(l.merged)) {
                assertTrue(RecordingLogger.events().stream().anyMatch(s -> s.startsWith("WARN")
                        && s.contains("was asked index=on and the kernel uses index=off")),
                        RecordingLogger.events().toString());
            }
        } finally {
            Processes.succeed("umount", ramfs.toString());
        }
    }

    @Test
    void anOverlayOverItsOwnLowerdirIsNoStack() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.createDirectory(data.resolve("sub"));
        Path u1 = Files.createDirectory(tmp.resolve("u1"));
        Path w1 = Files.createDirectory(tmp.resolve("w1"));
        try (OverlayMount inPlace = Overlay.builder().lowerdirs(data).upperdir(u1).workdir(w1).build().mount(data)) {
            Overlay.builder().lowerdirs(data.resolve("sub"), l.lower2).build().mount(l.merged).close();
            assertTrue(inPlace.isMounted());
        }
    }
}
