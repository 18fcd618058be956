package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.overlay4j.testing.Layout.read;
import static io.overlay4j.testing.Layout.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options and flags as mountinfo shows them, mount(8) as a reference, and every way to unmount. */
class MountTableIT extends MountTestBase {
    private MountInfo info(OverlayMount m) throws IOException {
        return Mounts.overlays().stream().filter(i -> i.target().equals(m.target())).findFirst()
                .orElseThrow(() -> new AssertionError(m.target() + " not in mountinfo"));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void optionsAndFlagsAreVisibleInMountinfo(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .option("index", "on").option("redirect_dir", "nofollow").option("uuid", "null")
                .nosuid().nodev().noexec().noatime().strategy(strategy).build();
        assertEquals(Arrays.asList("nosuid", "nodev", "noexec", "noatime"), ov.mountFlags());
        try (OverlayMount m = ov.mount(l.merged)) {
            MountInfo info = info(m);
            assertTrue(info.mountOptions().containsAll(Arrays.asList("rw", "nosuid", "nodev", "noexec", "noatime")),
                    info.mountOptions().toString());
            // The kernel shows the options that differ from its defaults.
            assertEquals("on", info.options().get("index"));
            assertEquals("nofollow", info.options().get("redirect_dir"));
            assertEquals("null", info.options().get("uuid"));
            assertEquals(l.lower1.toRealPath(), info.lowerdirs().get(0));
            assertEquals(l.upper.toRealPath(), info.upperdir().get());
            assertEquals(m.target(), info.target());
            assertTrue(info.mountId() > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void dataOnlyLayersStayOutOfTheMergedView(MountStrategy strategy) throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        write(data.resolve("blob"), "data");
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).datadirs(data).strategy(strategy).build();
        assertTrue(ov.options().contains("::" + data.toRealPath()), ov.options());
        try (OverlayMount m = ov.mount(l.merged)) {
            assertFalse(Files.exists(l.merged.resolve("blob")), "a data-only layer is not listed");
            assertEquals("lower1", read(l.merged.resolve("same.txt")));
            assertEquals(Arrays.asList(data.toRealPath()), info(m).datadirs());
            assertEquals(2, info(m).lowerdirs().size());
        }
    }

    /** The same overlay mounted by mount(8) with options() and by overlay4j looks the same. */
    @ParameterizedTest
    @MethodSource("strategies")
    void matchesMount8(MountStrategy strategy) throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("odd ,:\\layer"));
        write(odd.resolve("same.txt"), "odd");
        Files.createDirectories(l.lower2.resolve("dir/sub"));
        write(l.lower2.resolve("dir/sub/deep.txt"), "deep2");
        Files.createDirectories(odd.resolve("dir"));
        write(odd.resolve("dir/mid.txt"), "mid");
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, odd, l.lower2).strategy(strategy).build();

        Processes.succeed("mount", "-t", "overlay", "overlay", "-o", ov.options(), l.merged.toString());
        Map<String, String> byMount8;
        try {
            byMount8 = tree(l.merged);
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
        Map<String, String> byOverlay4j;
        try (OverlayMount m = ov.mount(l.merged)) {
            byOverlay4j = tree(l.merged);
        }
        assertEquals(byMount8, byOverlay4j);
        assertEquals("lower1", byOverlay4j.get("same.txt"));
        assertEquals("deep2", byOverlay4j.get("dir/sub/deep.txt"));
        assertEquals("mid", byOverlay4j.get("dir/mid.txt"));
    }

    /** Every path under root with its content ("/" for directories). */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(root)) {
                    tree.put(root.relativize(p).toString(), Files.isDirectory(p) ? "/" : read(p));
                }
            }
        }
        return tree;
    }

    @Test
    void unmountWithForce() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        m.unmount(UnmountOption.FORCE);
        assertFalse(Mounts.isMountPoint(l.merged));
    }

    @Test
    void unmountWithExpireNeedsTwoCalls() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        FileSystemException first = assertThrows(FileSystemException.class, () -> m.unmount(UnmountOption.EXPIRE));
        assertEquals("EAGAIN", ((ErrnoException) first).errnoName(), first.getMessage());
        assertTrue(m.isMounted());
        // Nothing used the mount since it was marked expired: the second call unmounts.
        m.unmount(UnmountOption.EXPIRE);
        assertFalse(m.isMounted());
        assertFalse(Mounts.isMountPoint(l.merged));
    }

    @Test
    void unmountWithNofollowDoesNotFollowASymlink() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), l.merged);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> Mounts.unmount(link, UnmountOption.NOFOLLOW));
        assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        assertTrue(Mounts.isMountPoint(l.merged));
        Mounts.unmount(link);
        assertFalse(Mounts.isMountPoint(l.merged));
        assertTrue(m.isMounted(), "unmounted behind the OverlayMount's back");
    }

    @Test
    void unmountRetriesWhileBusy() throws Exception {
        Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        FileChannel open = FileChannel.open(l.merged.resolve("same.txt"));
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(200);
                open.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        closer.start();
        try {
            Mounts.unmount(l.merged, Duration.ofSeconds(20));
        } finally {
            closer.join();
            open.close();
        }
        assertFalse(Mounts.isMountPoint(l.merged));
    }

    @Test
    void unmountRetryGivesUpWithEbusy() throws Exception {
        Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        try (FileChannel open = FileChannel.open(l.merged.resolve("same.txt"))) {
            long start = System.nanoTime();
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Mounts.unmount(l.merged, Duration.ofMillis(300)));
            assertEquals("EBUSY", ((ErrnoException) e).errnoName());
            assertTrue(System.nanoTime() - start >= 300_000_000L, "gave up before the timeout");
        }
        Mounts.unmount(l.merged);
    }

    @Test
    void overlaysListsOnlyOverlays() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("tmpfs"));
        Processes.succeed("mount", "-t", "tmpfs", "o4j-not-an-overlay", other.toString());
        try (OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged)) {
            Path root = tmp.toRealPath();
            // The tmpfs beside it is in the mount table too, and not listed.
            assertEquals(Arrays.asList(m.target()), Mounts.overlays().stream().map(MountInfo::target)
                    .filter(t -> t.startsWith(root)).collect(Collectors.toList()));
            assertFalse(info(m).upperdir().isPresent());
        } finally {
            Processes.succeed("umount", other.toString());
        }
    }
}
